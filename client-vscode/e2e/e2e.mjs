// End-to-end test in a real VS Code: code-server (VS Code in the browser) with the packaged
// .vsix installed, driven through Chromium by Playwright. It checks what a student sees:
// squiggles, the Problems panel, the hover on a question, the quick fix that links a figure,
// the code lens and the status bar, and that typing an answer updates them; then, with the
// common setting `editor.codeActionsOnSave: {"source.fixAll": "explicit"}`, that saving a real
// report (the 2024 one in ../shared, else the bundled example) leaves every question's verdict
// as it was; the hand-in preview.
//
//   node e2e/e2e.mjs        (scripts/test.sh sets the environment)
// Env: MLOPS_REPORT_VSIX, MLOPS_REPORT_TEST_PYTHON (the Python the extension is told to use),
//      PYTHON (the Python that runs the CLI, for the verdicts before and after the save),
//      CODE_SERVER_BIN, CHROMIUM_BIN, MLOPS_REPORT_ARTIFACTS (screenshots; default tests/artifacts/vscode),
//      MLOPS_REPORT_SHARED (default ../shared beside the repository).
// Prints "N passed, M failed" last and exits non-zero when a check failed.
import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";
import { makeWorkspace, repoRoot } from "../test/workspace.mjs";

const EXT = resolve(import.meta.dirname, "..");
const VSIX = process.env.MLOPS_REPORT_VSIX || join(EXT, "mlops-report-0.1.0.vsix");
const PYTHON = process.env.MLOPS_REPORT_TEST_PYTHON || "python3";
const CODE_SERVER = process.env.CODE_SERVER_BIN;
const CHROMIUM = process.env.CHROMIUM_BIN || "/usr/bin/chromium";
const SHOTS = process.env.MLOPS_REPORT_ARTIFACTS || join(repoRoot, "tests/artifacts/vscode");
const SHARED = process.env.MLOPS_REPORT_SHARED || resolve(repoRoot, "../shared");
const CLI_PYTHON = process.env.PYTHON || (existsSync(join(repoRoot, ".venv/bin/python")) ? join(repoRoot, ".venv/bin/python") : "python3");

const t0 = Date.now();
const lap = (message) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${message}`);
const SPACE = "[\\s\\u00a0]"; // the editor renders spaces as no-break spaces

// --- a fresh VS Code every run --------------------------------------------------------------
const state = mkdtempSync(join(tmpdir(), "mlops-report-e2e-"));
const scenario = makeWorkspace(join(state, "workspace"));
// The workspace saves with fix-all, as many groups have it set.
const WORKSPACE_SETTINGS = { "editor.codeActionsOnSave": { "source.fixAll": "explicit" } };
mkdirSync(join(scenario.root, ".vscode"), { recursive: true });
writeFileSync(join(scenario.root, ".vscode/settings.json"), JSON.stringify(WORKSPACE_SETTINGS, null, 2));
// A real report to save: the 2024 one of ../shared when it is there, else the bundled example.
const realSource = [join(SHARED, "reports/2024-timeseries/reports/README.md"), join(repoRoot, "examples/reports/README.md")]
  .find((file) => existsSync(file));
const real = { folder: "saved", file: join(scenario.root, "saved/reports/README.md"), source: realSource };
mkdirSync(join(scenario.root, "saved/reports/figures"), { recursive: true });
writeFileSync(real.file, readFileSync(realSource)); // a fresh, writable copy

// A report for the at-a-glance checks: question 5 cut by a sub-heading (the checker reads 60 of
// its words), question 12 short, an unticked Docker item in a project with a Dockerfile.
const glance = JSON.parse(execFileSync(CLI_PYTHON, ["-c", `
import json, sys
from pathlib import Path
sys.path.insert(0, ".")
from tests.builder import ReportBuilder, words
b = ReportBuilder("2026").fill_all()
b.answer(5, words(60, 5) + "\\n\\n#### Zebra details\\n\\n" + words(80, 6))
b.answer(12, "Wombat " + words(20, 12))
path = b.write(Path(sys.argv[1]))
text = path.read_text(encoding="utf-8").replace("* [ ] Task 1 of week 1", "* [ ] Write Docker files for the training")
path.write_text(text, encoding="utf-8")
(path.parent.parent / "Dockerfile").write_text("FROM python:3.12-slim\\n")
lines = text.split("\\n")
print(json.dumps({"file": str(path), "wombatLine": next(i for i, l in enumerate(lines) if l.startswith("Wombat")),
                  "cutLine": lines.index("#### Zebra details")}))
`, join(scenario.root, "glance")], { cwd: repoRoot, encoding: "utf8" }));

/** What the course's checker says of a file, by our CLI: the passing count and each question's verdict. */
function verdicts(file) {
  const out = execFileSync(CLI_PYTHON, ["-m", "mlops_report", "check", "--format", "json", "--fail-on", "never", file], {
    cwd: repoRoot,
    encoding: "utf8",
    env: { ...process.env, PYTHONPATH: join(repoRoot, "server") },
  });
  const [entry] = JSON.parse(out);
  return {
    passed: entry.checker.passed,
    total: entry.checker.total,
    failing: entry.checker.failing,
    crashes: entry.checker.crashes,
    questions: entry.questions.map((q) => ({ number: q.number, status: q.status, words: q.checker_words, images: q.checker_images })),
  };
}
const userDir = join(state, "user");
mkdirSync(join(userDir, "User"), { recursive: true });
mkdirSync(join(state, "tmp"));
mkdirSync(SHOTS, { recursive: true });
writeFileSync(
  join(userDir, "User/settings.json"),
  JSON.stringify(
    {
      "mlopsReport.interpreter": [PYTHON],
      "workbench.startupEditor": "none",
      "workbench.tips.enabled": false,
      "workbench.enableExperiments": false,
      "security.workspace.trust.enabled": false,
      "telemetry.telemetryLevel": "off",
      "update.mode": "none",
      "extensions.autoCheckUpdates": false,
      "extensions.autoUpdate": false,
      "extensions.ignoreRecommendations": true,
      "chat.disableAIFeatures": true,
      "git.enabled": false,
      "editor.minimap.enabled": false,
      "editor.stickyScroll.enabled": false,
      "editor.hover.delay": 150,
      "editor.wordWrap": "on",
    },
    null,
    2,
  ),
);
writeFileSync(join(state, "config.yaml"), "auth: none\ncert: false\n");
const csArgs = ["--config", join(state, "config.yaml"), "--user-data-dir", userDir, "--extensions-dir", join(state, "extensions")];

const freePort = () =>
  new Promise((res, rej) => {
    const server = createServer();
    server.once("error", rej);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => res(port));
    });
  });

// --- the checks -----------------------------------------------------------------------------
const results = [];
let page;
let shotIndex = 0;
async function shot(name) {
  if (!page) return;
  const path = join(SHOTS, `${String(++shotIndex).padStart(2, "0")}-${name}.png`);
  await page.screenshot({ path }).catch(() => {});
}
async function check(name, body) {
  const start = Date.now();
  try {
    await body();
    results.push([name, true]);
    lap(`ok   ${name} (${((Date.now() - start) / 1000).toFixed(1)}s)`);
    await shot(name.replace(/[^a-z0-9]+/gi, "-").toLowerCase());
  } catch (error) {
    results.push([name, false]);
    lap(`FAIL ${name}: ${error.message.split("\n")[0]}`);
    console.log(error.message);
    await shot(`failure-${name.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}`);
    throw error;
  }
}

const editor = () => page.locator(".monaco-editor[data-uri$='reports/README.md']").first();
const problemRows = () => page.locator(".markers-panel .monaco-list-row");
const statusItem = () => page.locator(".statusbar-item", { has: page.locator("[aria-label^='MLOps report']") }).first();
const lenses = () => editor().locator(".codelens-decoration");

// Open a file of the workspace by its path with Quick Open, as a user does. The list may still
// be filling when the row first shows (Enter then opens nothing): tried again, twice at most.
async function openByQuickOpen(relative) {
  const view = page.locator(`.monaco-editor[data-uri$='${relative}']`).first();
  let last;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await page.keyboard.press("Escape");
      await page.keyboard.press("Control+P");
      await page.locator(".quick-input-widget input").waitFor({ state: "visible", timeout: 10000 });
      await page.keyboard.type(relative);
      const folder = relative.split("/").slice(0, -1).join("/");
      await page.locator(".quick-input-list .monaco-list-row", { hasText: folder }).first().waitFor({ timeout: 20000 });
      await page.keyboard.press("Enter");
      await view.waitFor({ timeout: 10000 });
      return view;
    } catch (error) {
      last = error;
    }
  }
  throw last;
}

async function goToLine(line /* 0-based */) {
  await page.keyboard.press("Escape");
  await page.keyboard.press("Control+G");
  await page.locator(".quick-input-widget input").waitFor({ state: "visible", timeout: 10000 });
  await page.keyboard.type(String(line + 1));
  await page.keyboard.press("Enter");
}

function lineLocator(pattern) {
  return editor().locator(".view-line", { hasText: new RegExp(pattern) }).first();
}

async function problemTexts() {
  return (await problemRows().allInnerTexts()).map((text) => text.replace(/\s+/g, " ").trim());
}

async function waitForProblems(predicate, what, timeout = 30000) {
  const deadline = Date.now() + timeout;
  let texts = [];
  while (Date.now() < deadline) {
    texts = await problemTexts();
    if (predicate(texts)) return texts;
    await page.waitForTimeout(250);
  }
  throw new Error(`Problems panel never showed ${what}; it showed:\n  ${texts.join("\n  ")}`);
}

async function waitForStatus(predicate, what, timeout = 30000) {
  const deadline = Date.now() + timeout;
  let text = "(hidden)";
  while (Date.now() < deadline) {
    if (await statusItem().isVisible()) {
      text = (await statusItem().innerText()).replace(/\s+/g, " ").trim();
      if (predicate(text)) return text;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`status bar never showed ${what}; it showed "${text}"`);
}

/** The codicons the status bar item shows, e.g. ["x", "warning"]. */
async function statusIcons() {
  const classes = await statusItem().locator(".codicon").evaluateAll((nodes) => nodes.map((node) => node.className));
  return classes.map((name) => (/codicon-([a-z-]+)/.exec(name) || [])[1]).filter(Boolean);
}

async function expectStatus(expected, icon) {
  const text = await waitForStatus((t) => t.startsWith(expected), `"${expected}"`);
  const icons = await statusIcons();
  if (icons[0] !== icon) throw new Error(`the status bar "${text}" starts with the icon ${icons[0]}, not ${icon}`);
  return text;
}

/** The status bar text and leading icon a report with these verdicts must show. */
function statusFor(v) {
  if (v.crashes) return ["checker crashes", "error"];
  if (v.failing.length) return [`${v.failing.length} failing · ${v.passed}/${v.total}`, "x"];
  return [`${v.passed}/${v.total}`, "check"];
}

/** The code lens over a question's heading (which must be in view) and the word count it shows. */
async function lensOf(question) {
  const heading = lineLocator(`###${SPACE}Question${SPACE}${question.number}(?!\\d)`);
  const box = await heading.boundingBox().catch(() => null);
  if (!box) return { words: undefined, text: `(Question ${question.number}'s heading is not in view)` };
  const rendered = await lenses().evaluateAll((nodes) =>
    nodes.map((node) => ({ text: node.innerText, bottom: node.getBoundingClientRect().bottom })),
  );
  // the lens sits in the view zone right above its line
  const above = rendered.filter((lens) => lens.bottom <= box.y + 2).sort((a, b) => b.bottom - a.bottom)[0];
  const text = above ? above.text.replace(/\s+/g, " ") : "";
  const match = new RegExp(`(\\d+) / ${question.minWords}[–-]${question.maxWords} words`).exec(text);
  return { words: match ? Number(match[1]) : undefined, text: text || "(no lens above the heading)" };
}

async function waitForLensWords(question, words, timeout = 20000) {
  const deadline = Date.now() + timeout;
  let lens = await lensOf(question);
  while (lens.words !== words && Date.now() < deadline) {
    await page.waitForTimeout(250);
    lens = await lensOf(question);
  }
  if (lens.words !== words) {
    throw new Error(`the lens over Question ${question.number} never showed "${words} / ${question.minWords}–${question.maxWords} words": "${lens.text}"`);
  }
  return lens.text;
}

// --- run --------------------------------------------------------------------------------------
let codeServer;
let browser;
let csLog = "";
const stopCodeServer = () => {
  // the whole group: extension host, file watcher and our language server with it
  try {
    if (codeServer) process.kill(-codeServer.pid, "SIGTERM");
  } catch {}
};
process.on("exit", stopCodeServer);

try {
  const { short, figure, total, passing } = scenario;

  await check("extension installs from the .vsix", async () => {
    const out = execFileSync(CODE_SERVER, [...csArgs, "--install-extension", VSIX], { encoding: "utf8" });
    if (!/successfully installed/i.test(out)) throw new Error(out);
  });

  const port = await freePort();
  codeServer = spawn(
    CODE_SERVER,
    [...csArgs, "--auth", "none", "--bind-addr", `127.0.0.1:${port}`, "--disable-telemetry", "--disable-update-check",
     "--disable-workspace-trust", "--disable-getting-started-override", scenario.root],
    // own process group (see stopCodeServer); private TMPDIR: VS Code leaves sockets there
    { stdio: ["ignore", "pipe", "pipe"], detached: true, env: { ...process.env, TMPDIR: join(state, "tmp") } },
  );
  codeServer.stdout.on("data", (d) => (csLog += d));
  codeServer.stderr.on("data", (d) => (csLog += d));
  await new Promise((res, rej) => {
    const timer = setInterval(() => {
      if (csLog.includes("HTTP server listening")) {
        clearInterval(timer);
        res();
      }
    }, 100);
    setTimeout(() => {
      clearInterval(timer);
      rej(new Error("code-server did not start:\n" + csLog));
    }, 30000);
  });
  lap("code-server listening");

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync"],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on("pageerror", (error) => console.log("page error:", error.message));

  await check("the report opens and shows squiggles", async () => {
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(scenario.root)}`);
    await page.waitForSelector(".monaco-workbench", { timeout: 60000 });
    const folder = page.locator('.explorer-folders-view .monaco-list-row[aria-label^="reports"]').first();
    await folder.waitFor({ timeout: 30000 });
    await folder.click();
    const file = page.locator('.explorer-folders-view .monaco-list-row[aria-label^="README.md"]').first();
    await file.waitFor({ timeout: 10000 });
    await file.click();
    await editor().locator(".view-lines").waitFor({ timeout: 30000 });
    await goToLine(short.headingLine); // the editor renders only the lines in view
    await editor().locator(".squiggly-error, .squiggly-warning, .squiggly-info").first().waitFor({ timeout: 60000 });
  });

  await check("the Problems panel lists the findings with their codes", async () => {
    await page.keyboard.press("Control+Shift+M");
    const texts = await waitForProblems(
      (t) =>
        t.some((x) => x.includes("word-count") && x.includes(`Question ${short.number}`)) &&
        t.some((x) => x.includes("image-count") && x.includes(`Question ${figure.number}`)),
      `word-count for Question ${short.number} and image-count for Question ${figure.number}`,
    );
    const wordRow = texts.find((x) => x.includes("word-count") && x.includes(`Question ${short.number}`));
    if (!wordRow.includes("mlops-report")) throw new Error(`the source "mlops-report" is not shown: ${wordRow}`);
    if (!wordRow.includes(String(short.words)) || !wordRow.includes(String(short.minWords))) {
      throw new Error(`word-count row lacks the counts ${short.words} and ${short.minWords}: ${wordRow}`);
    }
    console.log("  Problems:\n    " + texts.slice(0, 8).join("\n    "));
  });

  await check("the status bar shows the failing questions first, then those within their limits", async () => {
    const text = await expectStatus(`${total - passing} failing · ${passing}/${total}`, "x");
    console.log(`  status bar: "${text}" (icons: ${(await statusIcons()).join(", ")})`);
  });

  await check("the status bar's tooltip gives the edition and each section", async () => {
    await statusItem().hover();
    const tooltip = page.locator(".workbench-hover, .monaco-hover", { hasText: "MLOps report" }).first();
    await tooltip.waitFor({ state: "visible", timeout: 10000 });
    await page.waitForTimeout(400);
    const text = (await tooltip.innerText()).replace(/\s+/g, " ");
    for (const part of ["edition January 2026", `${scenario.answered}/${total} answered`, ...scenario.sections]) {
      if (!text.includes(part)) throw new Error(`the tooltip lacks "${part}": ${text}`);
    }
    console.log(`  tooltip: ${text.slice(0, 200)}`);
    await page.mouse.move(700, 450);
  });

  await check("hovering a question heading shows its limits", async () => {
    await page.keyboard.press("Escape");
    await goToLine(short.headingLine);
    const heading = lineLocator(`###${SPACE}Question${SPACE}${short.number}(?!\\d)`);
    await heading.waitFor({ timeout: 10000 });
    const limits = new RegExp(`${short.minWords}\\s*[–-]\\s*${short.maxWords}\\s*words`);
    const hover = page.locator(".monaco-hover", { hasText: limits }).first();
    for (let attempt = 0; attempt < 3 && !(await hover.isVisible()); attempt++) {
      await page.mouse.move(0, 0);
      await heading.hover({ position: { x: 40 + 10 * attempt, y: 8 } });
      await hover.waitFor({ state: "visible", timeout: 8000 }).catch(() => {});
    }
    await hover.waitFor({ state: "visible", timeout: 2000 });
    await page.waitForTimeout(400); // let it fade in fully for the screenshot
    console.log("  hover: " + (await hover.innerText()).replace(/\s+/g, " ").slice(0, 200));
  });

  await check("the code lens shows the word count against the limits", async () => {
    await page.mouse.move(0, 0);
    await goToLine(short.headingLine);
    const text = await waitForLensWords(short, short.words);
    console.log(`  lens: "${text}"`);
  });

  await check("the quick fix links a figure and the finding goes away", async () => {
    await goToLine(figure.headingLine);
    await page.keyboard.press("Control+.");
    const rows = page.locator(".action-widget .monaco-list-row");
    await rows.first().waitFor({ timeout: 20000 });
    const titles = await rows.allInnerTexts();
    const wanted = `Insert figure figures/${figure.image}`;
    const index = titles.findIndex((t) => t.includes(wanted));
    if (index < 0) throw new Error(`no "${wanted}" among the quick fixes: ${titles.join(" | ")}`);
    await shot("quick-fix-menu");
    // the menu starts on its first action; a mouse click is swallowed by its pointer block
    for (let i = 0; i < index; i++) await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    const alt = figure.image.replace(/\.[^.]+$/, "");
    await lineLocator(`!\\[${alt}\\]\\(figures/${figure.image.replace(".", "\\.")}\\)`).waitFor({ timeout: 20000 });
    await waitForProblems(
      (t) => !t.some((x) => x.includes("image-count") && x.includes(`Question ${figure.number}`)),
      `no image-count for Question ${figure.number}`,
    );
    await expectStatus(`${total - passing - 1} failing · ${passing + 1}/${total}`, "x");
  });

  await check("typing into an answer updates the code lens and the status bar", async () => {
    await goToLine(short.answerLine);
    await page.keyboard.press("End");
    const words = Array.from({ length: short.missingWords }, (_, i) => `word${i}`).join(" ");
    await page.keyboard.type(" " + words, { delay: 0 });
    await goToLine(short.headingLine);
    const lens = await waitForLensWords(short, short.words + short.missingWords);
    const status = await expectStatus(`${passing + 2}/${total}`, "check"); // all pass: the check mark
    console.log(`  lens: "${lens}"; status bar: "${status}"`);
  });

  await check("Insert Figure… links the image picked from the figures folder", async () => {
    await goToLine(short.answerLine);
    await page.keyboard.press("End");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Enter");
    await page.keyboard.press("F1");
    await page.keyboard.type("MLOps Report: Insert Figure");
    await page.locator(".quick-input-list .monaco-list-row", { hasText: "Insert Figure" }).first().waitFor({ timeout: 10000 });
    await page.keyboard.press("Enter");
    const image = scenario.figuresOnDisk[0];
    await page.locator(".quick-input-list .monaco-list-row", { hasText: image }).first().waitFor({ timeout: 10000 });
    await page.keyboard.type(image);
    await page.keyboard.press("Enter");
    const alt = image.replace(/\.[^.]+$/, "");
    await lineLocator(`!\\[${alt}\\]\\(figures/${alt}\\.png\\)`).waitFor({ timeout: 10000 });
  });

  await check("Preview Hand-in shows the course's page beside the report and follows the typing", async () => {
    await page.keyboard.press("Escape");
    await goToLine(short.answerLine);
    await page.locator(".editor-actions .action-item a[aria-label*='Preview Hand-in']").first().click();
    const view = page.frameLocator("iframe.webview.ready").frameLocator("#active-frame");
    await view.locator("#mr-margin.mr-placed .mr-diff[data-kind='cut']").waitFor({ timeout: 30000 });
    await view.locator("#mr-margin .mr-diff[data-kind='checkbox']").first().waitFor({ timeout: 5000 });
    if ((await view.locator("#mr-page table, #mr-page h1").count()) !== 0) throw new Error("the page has a table or h1");
    // a table typed into an answer: the page shows it as text, and a marker beside it
    await goToLine(short.answerLine);
    await page.keyboard.press("End");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Enter");
    await page.keyboard.type("| zebra | quokka |\n|---|---|\n| one | two |\n", { delay: 0 });
    const mark = view.locator(`#mr-margin .mr-diff[data-kind='table'][data-question='${short.number}']`);
    await mark.waitFor({ timeout: 20000 });
    await view.locator("#mr-page p", { hasText: "| zebra | quokka |" }).waitFor({ timeout: 5000 });
    await mark.scrollIntoViewIfNeeded();
    await mark.hover();
    await page.waitForTimeout(500);
    await shot("handin-preview");  // client-vscode/images/handin.png
    // clicking the marker brings its line into view in the editor
    await goToLine(0);
    await lineLocator(`zebra${SPACE}\\|${SPACE}quokka`).waitFor({ state: "detached", timeout: 10000 });
    await mark.click();
    await lineLocator(`zebra${SPACE}\\|${SPACE}quokka`).waitFor({ state: "visible", timeout: 10000 });
  });

  const glanceEditor = () => page.locator(".monaco-editor[data-uri$='glance/reports/README.md']").first();
  const budget = () => page.locator(".statusbar-item", { has: page.locator("[aria-label^='Question ']") }).first();
  const questionsView = () => page.locator(".pane", { has: page.locator(".pane-header", { hasText: /Report Questions/i }) }).last(); // the innermost pane holding the header

  async function budgetText(pattern, what) {
    const deadline = Date.now() + 20000;
    let text = "(hidden)";
    while (Date.now() < deadline) {
      if (await budget().isVisible()) {
        text = (await budget().innerText()).replace(/\s+/g, " ").trim();
        if (pattern.test(text)) return text;
      }
      await page.waitForTimeout(200);
    }
    throw new Error(`the budget never showed ${what}; it showed "${text}"`);
  }

  await check("the Report Questions view lists every question with its verdict, failing ones first", async () => {
    await openByQuickOpen("glance/reports/README.md");
    await glanceEditor().waitFor({ timeout: 20000 });
    await page.keyboard.press("Control+Shift+E"); // the Explorer, where the view lives
    const header = questionsView().locator(".pane-header").first();
    await header.waitFor({ timeout: 20000 });
    // the other sections of the Explorer folded, so the view has the height for all its rows
    // (a tree renders only the rows in view)
    const others = page.locator(".sidebar .pane-header[aria-expanded='true']:visible").filter({ hasNotText: /Report Questions/i });
    for (let i = await others.count(); i > 0; i--) await others.first().click();
    if ((await header.getAttribute("aria-expanded")) !== "true") await header.click();
    const rows = questionsView().locator(".monaco-list-row");
    const failing = rows.filter({ hasText: "Failing · 2" }).first();
    await failing.waitFor({ timeout: 30000 });
    const q12 = rows.filter({ hasText: "Question 12" }).first();
    await q12.waitFor({ timeout: 10000 });
    const text = (await q12.innerText()).replace(/\s+/g, " ");
    if (!text.includes("21 / 50–100 words ✗")) throw new Error(`Question 12's row says "${text}"`);
    const label = await q12.getAttribute("aria-label");
    if (!/Question 12 fails/.test(label || "")) throw new Error(`Question 12's row is labelled "${label}"`);
    // the checklist per week, with the Dockerfile found
    const checklist = rows.filter({ hasText: "Project checklist" }).first();
    await checklist.waitFor({ timeout: 10000 });
    if (!(await checklist.innerText()).includes("0/12 ticked")) throw new Error(`checklist row: ${await checklist.innerText()}`);
    await checklist.locator(".monaco-tl-twistie").click(); // the twistie: a click on the row reveals its line
    const week1 = rows.filter({ hasText: "Week 1" }).first();
    await week1.waitFor({ timeout: 10000 });
    await week1.locator(".monaco-tl-twistie").click();
    await rows.filter({ hasText: "found in the repository" }).first().waitFor({ timeout: 10000 });
    await q12.scrollIntoViewIfNeeded();
    console.log(`  rows: ${(await rows.allInnerTexts()).slice(0, 6).map((t) => t.replace(/\s+/g, " ")).join(" | ")}`);
    await shot("questions-view"); // client-vscode/images/questions.png
  });

  await check("clicking a question in the view reveals it, and the status bar shows its budget", async () => {
    const q12 = questionsView().locator(".monaco-list-row").filter({ hasText: "Question 12" }).first();
    await q12.click();
    const text = await budgetText(/^Q12 · 21 of 50–100 · 29 to go$/, '"Q12 · 21 of 50–100 · 29 to go"');
    console.log(`  budget: "${text}"`);
  });

  await check("Next Failing Question (Ctrl+F8) jumps between the failing questions", async () => {
    await glanceEditor().locator(".view-lines").click();
    await goToLine(0);
    await page.keyboard.press("Control+F8");
    await budgetText(/^Q5 · 60 of 100–200 · 40 to go$/, "Question 5's budget");
    await page.keyboard.press("Control+F8");
    await budgetText(/^Q12 · /, "Question 12's budget");
    await page.keyboard.press("Control+Shift+F8");
    await budgetText(/^Q5 · /, "Question 5's budget again");
  });

  await check("the text the checker does not read is faded, and its hover says why", async () => {
    await goToLine(glance.cutLine + 2);
    const faded = glanceEditor().locator(".squiggly-inline-unnecessary").last(); // below the heading line
    await faded.waitFor({ timeout: 20000 });
    const opacity = await faded.evaluate((node) => getComputedStyle(node).opacity);
    if (!(Number(opacity) < 1)) throw new Error(`the faded text has opacity ${opacity}`);
    const hover = page.locator(".monaco-hover", { hasText: "stops reading an answer" }).first();
    for (let attempt = 0; attempt < 3 && !(await hover.isVisible()); attempt++) {
      await page.mouse.move(0, 0);
      await faded.hover({ position: { x: 2 + attempt, y: 5 }, force: true }); // the editor redraws its spans
      await hover.waitFor({ state: "visible", timeout: 8000 }).catch(() => {});
    }
    await hover.waitFor({ state: "visible", timeout: 2000 });
    await page.waitForTimeout(400);
    await shot("faded-text"); // client-vscode/images/faded.png
    await page.mouse.move(0, 0);
  });

  await check("pasting a PNG saves it as figures/q12-1.png and links it", async () => {
    await page.keyboard.press("Escape");
    await goToLine(glance.wombatLine);
    await page.keyboard.press("End");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Enter");
    const png = readFileSync(join(repoRoot, "client-vscode/images/handin.png"));
    await page.evaluate((bytes) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], "image.png", { type: "image/png" }));
      const target = document.activeElement;
      target.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
    }, [...png]);
    await glanceEditor().locator(".view-line", { hasText: /!\[q12-1\]\(figures\/q12-1\.png\)/ }).first().waitFor({ timeout: 20000 });
    const saved = join(scenario.root, "glance/reports/figures/q12-1.png");
    const deadline = Date.now() + 10000;
    while (!existsSync(saved) && Date.now() < deadline) await page.waitForTimeout(200);
    if (!existsSync(saved) || !readFileSync(saved).equals(png)) throw new Error(`${saved} is not the pasted image`);
    await page.keyboard.press("Escape"); // the paste widget
  });

  const before = verdicts(real.file);
  console.log(`  ${real.source}: ${before.passed}/${before.total} pass, failing ${before.failing.join(", ") || "none"}`);

  await check("the status bar of a failing real report names the failing count", async () => {
    await openByQuickOpen(`${real.folder}/reports/README.md`);
    const text = await expectStatus(...statusFor(before));
    console.log(`  status bar: "${text}"`);
  });

  await check("saving with fix-all on save leaves every question's verdict as it was", async () => {
    const original = readFileSync(real.file, "utf8");
    const written = statSync(real.file).mtimeMs;
    const view = page.locator(`.monaco-editor[data-uri$='${real.folder}/reports/README.md']`).first();
    await view.locator(".view-lines").click();
    // make the document dirty with a line break at its end (no count changes), then Ctrl+S
    await page.keyboard.press("Control+End");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Control+S");
    const deadline = Date.now() + 30000;
    while (statSync(real.file).mtimeMs === written && Date.now() < deadline) await page.waitForTimeout(200);
    if (statSync(real.file).mtimeMs === written) throw new Error("the report was not saved within 30 s");
    await page.waitForTimeout(1000); // a fix-all that arrives late would write again
    const saved = readFileSync(real.file, "utf8");
    const changed = saved.split("\n").filter((line, i) => line !== original.split("\n")[i]).length;
    const after = verdicts(real.file);
    console.log(`  saved: ${saved.length - original.length} characters, ${changed} lines differ; after: ` +
      `${after.passed}/${after.total} pass, failing ${after.failing.join(", ") || "none"}`);
    const moved = before.questions.filter((q, i) => q.status !== after.questions[i]?.status);
    if (after.crashes !== before.crashes || after.passed !== before.passed || moved.length) {
      const detail = moved.map((q) => {
        const a = after.questions.find((x) => x.number === q.number) || {};
        return `Q${q.number} ${q.status} (${q.words} words, ${q.images} figures) -> ${a.status} (${a.words} words, ${a.images} figures)`;
      });
      throw new Error(`fix-all on save changed verdicts: ${before.passed}/${before.total} -> ${after.passed}/${after.total}; ` +
        (detail.join("; ") || `crashes ${before.crashes} -> ${after.crashes}`));
    }
    await expectStatus(...statusFor(before)); // the status bar says the same
  });

  await check("a git-ignored figure is image-uncommitted and the deadline counts down", async () => {
    // the workspace becomes a repository whose .gitignore hides one linked figure (the test runs
    // git to build it; the server never does), then a deadline a day away is set
    const hidden = scenario.figuresOnDisk[0];
    const question = Number(/^q(\d+)_/.exec(hidden)[1]);
    const env = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1", GIT_AUTHOR_NAME: "e2e",
                  GIT_AUTHOR_EMAIL: "e2e@example.org", GIT_COMMITTER_NAME: "e2e", GIT_COMMITTER_EMAIL: "e2e@example.org" };
    const git = (...args) => execFileSync("git", args, { cwd: scenario.root, env, encoding: "utf8" });
    writeFileSync(join(scenario.root, ".gitignore"), `reports/figures/${hidden}\n`);
    git("init", "-q", "-b", "main");
    git("add", "-A");
    git("commit", "-q", "-m", "the report");
    mkdirSync(join(scenario.root, ".vscode"), { recursive: true });
    const deadline = new Date(Date.now() + 24 * 3600 * 1000).toISOString();
    writeFileSync(join(scenario.root, ".vscode/settings.json"), JSON.stringify({ "mlopsReport.deadline": deadline }));
    // the Problems panel lists every open report by now: filter it to the finding looked for
    const filter = page.getByPlaceholder(/^Filter \(e\.g\./).first();
    await filter.fill("ignored by git");
    const texts = await waitForProblems(
      (t) => t.some((x) => x.includes("image-uncommitted") && x.includes(`Question ${question}`) && x.includes(".gitignore")),
      `image-uncommitted for Question ${question} (reports/figures/${hidden} is git-ignored)`,
      60000,
    );
    console.log("  " + texts.find((x) => x.includes("image-uncommitted")).slice(0, 200));
    await filter.fill("");
    const status = await waitForStatus((t) => /\d+h \d\dm left/.test(t), "the countdown", 60000);
    console.log(`  status bar: "${status}"`);
  });

  await check("an unusable interpreter setting is reported with a way to fix it", async () => {
    // as the workspace's own setting: VS Code watches the workspace's files for changes
    writeFileSync(
      join(scenario.root, ".vscode/settings.json"),
      JSON.stringify({ ...WORKSPACE_SETTINGS, "mlopsReport.interpreter": ["/nonexistent/python3"] }),
    );
    const toast = page.locator(".notification-toast", { hasText: "mlopsReport.interpreter" }).first();
    await toast.waitFor({ state: "visible", timeout: 30000 });
    await toast.locator(".monaco-button", { hasText: "Open Setting" }).click();
    await page.locator(".settings-editor .setting-item", { hasText: "Interpreter" }).first().waitFor({ timeout: 20000 });
  });
} catch (error) {
  if (!results.length || results.at(-1)[1]) {
    results.push(["setup", false]);
    console.log(`setup failed: ${error.stack}`);
  }
  console.log("--- code-server log (tail) ---\n" + csLog.slice(-3000));
  // VS Code's own logs, the extension's output channel among them, for whoever reads the failure
  const logs = join(SHOTS, "logs");
  rmSync(logs, { recursive: true, force: true });
  cpSync(join(userDir, "logs"), logs, { recursive: true });
  for (const file of readdirSync(logs, { recursive: true })) {
    if (String(file).endsWith("MLOps Report.log")) {
      console.log(`--- ${file} (tail) ---\n` + readFileSync(join(logs, file), "utf8").slice(-3000));
    }
  }
} finally {
  await browser?.close().catch(() => {});
  stopCodeServer();
  rmSync(state, { recursive: true, force: true });
}

const passed = results.filter(([, ok]) => ok).length;
const failed = results.length - passed;
lap(`screenshots in ${SHOTS}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
