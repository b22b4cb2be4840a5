// The teacher's dashboard (`mlops-report check DIR --format html`) opened in a real Chromium
// with Playwright: one row per report, sorting, filtering, the search box, a row's findings
// opened, and nothing refused by the page's policy or fetched from elsewhere.
//   node --test test/dashboard-page.test.mjs      (scripts/test.sh runs it after the build)
// Env: PYTHON (the Python with mlops-report installed; default the repository's .venv),
//      CHROMIUM_BIN (default /usr/bin/chromium), MLOPS_REPORT_SCREENSHOT (also save the
//      screenshot there, e.g. docs/images/dashboard.png).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { repoRoot } from "./workspace.mjs";

const CHROMIUM = process.env.CHROMIUM_BIN || "/usr/bin/chromium";
const venvPython = join(repoRoot, ".venv/bin/python");
const PYTHON = process.env.PYTHON || (existsSync(venvPython) ? venvPython : "python3");
const SHOTS = process.env.MLOPS_REPORT_ARTIFACTS || join(repoRoot, "tests/artifacts/vscode");

// twelve groups: most pass, some fail a question in their own way, one crashes the checker,
// one folder has no report; group 4's answer to question 1 tries to be markup
const BUILD = `
import sys
from pathlib import Path
from tests.builder import ReportBuilder, words
root = Path(sys.argv[1])
for i in range(1, 12):
    b = ReportBuilder("2026").fill_all().answer(1, f"Group {i}").answer(2, f"s{100000 + i} s{200000 + i}")
    if i % 3 == 0:
        b.answer(5, words(30))
    if i == 5:
        b.answer(7, words(150)).answer(9, words(40) + "\\n\\n#### Notes\\n\\n" + words(90))
    if i == 7:
        b.heading(12, "## Question 12")
    if i == 4:
        b.answer(1, "<img src=x onerror=alert(4)> four")
    if i == 9:
        b.answer(2, "s100009")
    if i == 10:
        b.figures(19, "figures/lost.png")
    b.write(root / f"group-{i:02}")
(root / "group-12").mkdir()
`;
const ROSTER = "group,study numbers\n" + Array.from({ length: 12 }, (_, k) => `${k + 1},s${100001 + k} s${200001 + k}`).join("\n") + "\n";

const chromiumThere = existsSync(CHROMIUM);
if (!chromiumThere) {
  console.log(`*** dashboard page test NOT RUN: no Chromium at ${CHROMIUM}; run client-vscode/scripts/ci-deps.sh ***`);
}

let dir;
let browser;
let page;
const problems = [];

const visibleRows = () =>
  page.evaluate(() =>
    Array.from(document.querySelectorAll("#reports tbody.report"))
      .filter((group) => !group.hidden)
      .map((group) => group.querySelector("tr[data-report]").dataset.report),
  );

before(async () => {
  if (!chromiumThere) return;
  dir = mkdtempSync(join(tmpdir(), "mlops-report-dashboard-"));
  execFileSync(PYTHON, ["-c", BUILD, join(dir, "groups")], { cwd: repoRoot, encoding: "utf8" });
  writeFileSync(join(dir, "roster.csv"), ROSTER);
  execFileSync(PYTHON, ["-m", "mlops_report", "check", "groups", "--format", "html", "-o", "dashboard.html",
    "--roster", "roster.csv"], { cwd: dir, encoding: "utf8" });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
  page = await browser.newPage({ viewport: { width: 1800, height: 1000 } });
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("dialog", (dialog) => {
    problems.push(`a dialog: ${dialog.message()}`);
    dialog.dismiss();
  });
  page.on("request", (request) => {
    if (!request.url().startsWith("file:")) problems.push(`a request to ${request.url()}`);
  });
  await page.goto(pathToFileURL(join(dir, "dashboard.html")).href);
  await page.waitForSelector("#shown:not(:empty)");
});

after(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("one row per report, the summary and the heat map", { skip: !chromiumThere }, async () => {
  // eleven reports, the folder without one, and the roster's group 12 that no report names
  const rows = await visibleRows();
  assert.equal(rows.length, 13, rows.join("\n"));
  assert.equal(rows[0], "groups/group-01/reports/README.md");
  assert.deepEqual(rows.slice(11), ["groups/group-12", ""]);
  assert.equal(await page.textContent("#shown"), "13 of 13 rows");
  const summary = await page.evaluate(() => ({
    crashes: document.querySelector("#summary h2:last-of-type")?.textContent,
    worst: document.getElementById("worst").innerText,
    bars: Array.from(document.querySelectorAll("#dist .bar")).map((b) => b.getBoundingClientRect().width),
  }));
  assert.match(summary.worst, /^Q5 3 reports: 3 under/m);
  assert.ok(summary.bars.some((w) => w >= 150), `bars ${summary.bars}`);
  const cells = await page.evaluate(() => {
    const row = document.querySelector('tr[data-report="groups/group-05/reports/README.md"]');
    return ["7", "9"].map((n) => row.querySelectorAll("td.q")[Number(n) - 1].className);
  });
  assert.deepEqual(cells, ["q s-over", "q s-truncated"]);
  // the markup group 4 typed into question 1 is text on the page
  assert.equal(await page.locator("img").count(), 0);
});

test("sorting by a column, then reversed", { skip: !chromiumThere }, async () => {
  await page.click('button[data-sort="passed"]');
  const up = await visibleRows();
  assert.deepEqual(up.slice(0, 2), ["groups/group-12", ""], "the rows without a report first");
  assert.equal(up[2], "groups/group-07/reports/README.md", "then the crash");
  assert.equal(await page.getAttribute('button[data-sort="passed"] >> xpath=..', "aria-sort"), "ascending");
  await page.click('button[data-sort="passed"]');
  const down = await visibleRows();
  assert.deepEqual(down.slice(10), ["groups/group-07/reports/README.md", "groups/group-12", ""]);
  await page.click('button[data-sort="path"]');
  assert.deepEqual((await visibleRows()).slice(0, 2), ["", "groups/group-01/reports/README.md"]);
});

test("filtering and searching", { skip: !chromiumThere }, async () => {
  await page.selectOption("#filter", "crash");
  assert.deepEqual(await visibleRows(), ["groups/group-07/reports/README.md"]);
  await page.selectOption("#filter", "roster");
  const roster = await visibleRows();
  assert.ok(roster.includes("groups/group-09/reports/README.md"), roster.join(","));
  await page.selectOption("#filter", "");
  await page.fill("#search", "s100010");
  assert.deepEqual(await visibleRows(), ["groups/group-10/reports/README.md"]);
  await page.fill("#search", "image-missing-file"); // group 4's <img src=x> is a figure too
  assert.deepEqual(await visibleRows(), ["groups/group-04/reports/README.md", "groups/group-10/reports/README.md"]);
  await page.fill("#search", "");
  await page.click('.card[data-filter="fail"]');
  const failing = await visibleRows();
  assert.deepEqual(failing, ["groups/group-03/reports/README.md", "groups/group-05/reports/README.md",
    "groups/group-06/reports/README.md", "groups/group-09/reports/README.md"]);
  assert.equal(await page.textContent("#shown"), "4 of 13 rows");
  await page.selectOption("#filter", "");
});

test("a row opens to its findings with their lines", { skip: !chromiumThere }, async () => {
  await page.reload(); // the rows in the order they were found, for the screenshot
  await page.waitForSelector("#shown:not(:empty)");
  const row = page.locator('tr[data-report="groups/group-05/reports/README.md"]');
  const details = page.locator('tbody.report:has(tr[data-report="groups/group-05/reports/README.md"]) tr.findings');
  assert.equal(await details.isVisible(), false);
  await row.locator("button.expand").click();
  assert.equal(await details.isVisible(), true);
  assert.equal(await row.locator("button.expand").getAttribute("aria-expanded"), "true");
  const text = await details.innerText();
  assert.match(text, /line \d+ warning word-count Question 7: 150 words/i);
  assert.match(text, /line \d+ warning answer-truncated Question 9/i);
  mkdirSync(SHOTS, { recursive: true });
  const shot = join(SHOTS, "dashboard.png");
  await page.screenshot({ path: shot });
  if (process.env.MLOPS_REPORT_SCREENSHOT) {
    mkdirSync(dirname(process.env.MLOPS_REPORT_SCREENSHOT), { recursive: true });
    copyFileSync(shot, process.env.MLOPS_REPORT_SCREENSHOT);
  }
  await row.locator("button.expand").click();
  assert.equal(await details.isVisible(), false);
});

test("no console error, nothing refused, nothing fetched", { skip: !chromiumThere }, async () => {
  assert.deepEqual(problems, []);
});
