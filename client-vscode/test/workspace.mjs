// The sample workspace both client tests open: a report with known findings, built by the
// project's test builder (tests/builder.py) through test/sample_workspace.py.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

export const repoRoot = process.env.MLOPS_REPORT_ROOT || resolve(import.meta.dirname, "../..");
const venvPython = join(repoRoot, ".venv/bin/python");

/**
 * Writes `reports/README.md` and `reports/figures/*.png` under `dir` and returns what the
 * tests expect of them (see sample_workspace.py).
 */
export function makeWorkspace(dir) {
  const python = process.env.PYTHON || (existsSync(venvPython) ? venvPython : "python3");
  const out = execFileSync(python, [join(import.meta.dirname, "sample_workspace.py"), dir], {
    cwd: repoRoot,
    encoding: "utf8",
  });
  return JSON.parse(out);
}
