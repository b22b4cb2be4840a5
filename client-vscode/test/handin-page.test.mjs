// The standalone hand-in page (`mlopsReport html`) opened in a real Chromium with Playwright:
// the course's rendering is there, and the margin marks a table, a code fence, the task-list
// boxes and the title cut beside the places they point at.
//   node --test test/handin-page.test.mjs      (scripts/test.sh runs it after the build)
// Env: PYTHON (the Python with mlops-report installed; default the repository's .venv),
//      CHROMIUM_BIN (default /usr/bin/chromium).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { repoRoot } from "./workspace.mjs";

const CHROMIUM = process.env.CHROMIUM_BIN || "/usr/bin/chromium";
const venvPython = join(repoRoot, ".venv/bin/python");
const PYTHON = process.env.PYTHON || (existsSync(venvPython) ? venvPython : "python3");
const SHOTS = process.env.MLOPS_REPORT_ARTIFACTS || join(repoRoot, "tests/artifacts/vscode");

// a 2026 report with a table, a fenced block and a list of boxes in its answers
const BUILD = `
import sys
from pathlib import Path
from tests.builder import ReportBuilder, words
b = ReportBuilder("2026").fill_all()
b.answer(4, words(60) + "\\n\\n| tool | use |\\n|---|---|\\n| ruff | lint |\\n\\n" + words(60))
b.answer(6, words(60) + "\\n\\n\`\`\`bash\\nuv run pytest zebra\\n\`\`\`\\n\\n" + words(60))
b.answer(28, "- [x] quokka extra\\n- [ ] second extra")
print(b.write(Path(sys.argv[1])))
`;

const chromiumThere = existsSync(CHROMIUM);
if (!chromiumThere) {
  console.log(`*** hand-in page test NOT RUN: no Chromium at ${CHROMIUM}; run client-vscode/scripts/ci-deps.sh ***`);
}

let dir;
let browser;
let page;
const problems = [];

before(async () => {
  if (!chromiumThere) return;
  dir = mkdtempSync(join(tmpdir(), "mlops-report-handin-"));
  const readme = execFileSync(PYTHON, ["-c", BUILD, join(dir, "group")], { cwd: repoRoot, encoding: "utf8" }).trim();
  execFileSync(PYTHON, ["-m", "mlops_report", "html", readme], { cwd: repoRoot, encoding: "utf8" });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("request", (request) => {
    if (!request.url().startsWith("file:")) problems.push(`a request to ${request.url()}`);
  });
  await page.goto(pathToFileURL(join(dir, "group/reports/report.html")).href);
  await page.waitForSelector("#mr-margin.mr-placed");
});

after(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("the page shows the course's rendering: no table, no code block, the title cut", { skip: !chromiumThere }, async () => {
  const rendering = await page.evaluate(() => ({
    tables: document.querySelectorAll("#mr-page table").length,
    pre: document.querySelectorAll("#mr-page pre").length,
    boxes: document.querySelectorAll("#mr-page input[type=checkbox]").length,
    h1: document.querySelectorAll("#mr-page h1").length,
    text: document.getElementById("mr-page").innerText,
  }));
  assert.equal(rendering.tables, 0);
  assert.equal(rendering.pre, 0);
  assert.equal(rendering.boxes, 0);
  assert.equal(rendering.h1, 0, "the title's # is among the 43 characters cut");
  assert.match(rendering.text, /\| tool \| use \|/);
  assert.match(rendering.text, /\[x\] quokka extra/);
});

test("the margin marks a table, a code fence, the boxes and the title beside them", { skip: !chromiumThere }, async () => {
  const marks = await page.evaluate(() =>
    Array.from(document.querySelectorAll("#mr-margin .mr-diff")).map((mark) => ({
      kind: mark.dataset.kind,
      question: mark.dataset.question,
      top: mark.getBoundingClientRect().top + window.scrollY,
      visible: mark.getBoundingClientRect().height > 0,
    })),
  );
  const kinds = new Set(marks.map((m) => m.kind));
  for (const kind of ["table", "fence", "checkbox", "cut"]) assert.ok(kinds.has(kind), `no ${kind} marker: ${[...kinds]}`);
  assert.ok(marks.every((m) => m.visible));
  // each marker sits level with the block it marks (or just below the one before it)
  const where = async (text) =>
    page.evaluate((needle) => {
      const block = Array.from(document.getElementById("mr-page").children).find((b) => b.textContent.includes(needle));
      return block.getBoundingClientRect().top + window.scrollY;
    }, text);
  const near = (mark, y) => assert.ok(Math.abs(mark.top - y) < 40, `${mark.kind} marker at ${mark.top}, its block at ${y}`);
  near(marks.find((m) => m.kind === "table"), await where("| tool | use |"));
  near(marks.find((m) => m.kind === "fence"), await where("uv run pytest zebra"));
  near(marks.find((m) => m.kind === "checkbox" && m.question === "28"), await where("[x] quokka extra"));
  const tops = marks.map((m) => m.top);
  assert.deepEqual(tops, [...tops].sort((a, b) => a - b), "markers keep the order of the text");
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, "handin-page.png") });
});

test("clicking a marker brings its place into view", { skip: !chromiumThere }, async () => {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.locator("#mr-margin .mr-diff[data-kind=checkbox][data-question='28']").click();
  await page.waitForFunction(() => document.querySelector("#mr-page .mr-flash") !== null);
  const inView = await page.evaluate(() => {
    const r = document.querySelector("#mr-page .mr-flash").getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight;
  });
  assert.ok(inView);
  assert.ok((await page.evaluate(() => window.scrollY)) > 0);
});

test("nothing was refused, failed or fetched from elsewhere", { skip: !chromiumThere }, async () => {
  assert.deepEqual(problems.filter((p) => !/figures\/.*(ERR_FILE_NOT_FOUND|404)/.test(p)), []);
  assert.ok(readFileSync(join(dir, "group/reports/report.html"), "utf8").includes("Content-Security-Policy"));
});
