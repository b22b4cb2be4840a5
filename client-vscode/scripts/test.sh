#!/usr/bin/env bash
# The extension's tests, run by `make test` after the Python suite:
#   1. build the .vsix (scripts/build.sh), then eslint over src/;
#   2. the protocol test: node:test drives the bundled server over stdio with the same
#      protocol library the extension uses; the hand-in page and the dashboard opened in
#      Chromium (Playwright);
#   3. the end-to-end test in a real VS Code (code-server + Chromium), when both are installed
#      (scripts/ci-deps.sh installs them); otherwise one loud line, and no failure.
# Env: MLOPS_REPORT_TEST_PYTHON: the Python the server runs on in the tests (default: a
# system Python >= 3.10 that does not have pygls, to prove the bundled libraries suffice).
set -euo pipefail
EXT=$(cd "$(dirname "$0")/.." && pwd)
ROOT=$(dirname "$EXT")
# shellcheck source=client-vscode/scripts/e2e-env.sh
source "$EXT/scripts/e2e-env.sh"
export MLOPS_REPORT_ROOT="$ROOT" PYTHON=${PYTHON:-$ROOT/.venv/bin/python}

vsix=$(bash "$EXT/scripts/build.sh")
export MLOPS_REPORT_VSIX="$vsix"

# A Python >= 3.10 without our packages: the server must run on the bundled ones alone.
bare_python() {
  local candidate
  for candidate in /usr/bin/python3 /usr/local/bin/python3 "$(command -v python3 || true)"; do
    [ -x "$candidate" ] || continue
    "$candidate" -I -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null || continue
    if ! "$candidate" -I -c 'import pygls' 2>/dev/null; then echo "$candidate"; return; fi
  done
  echo "$PYTHON"  # every Python here has pygls; -I and the bundled libs first still isolate it
}
export MLOPS_REPORT_TEST_PYTHON=${MLOPS_REPORT_TEST_PYTHON:-$(bare_python)}

cd "$EXT"
status=0
node_modules/.bin/eslint src || status=1
node --test --test-reporter=spec test/protocol.test.mjs test/handin-page.test.mjs test/dashboard-page.test.mjs || status=1

if [ ! -x "$CHROMIUM_BIN" ] || [ ! -f "$CODE_SERVER_DIR/.installed" ]; then
  echo "*** client e2e NOT RUN: chromium/code-server missing; run client-vscode/scripts/ci-deps.sh ***"
  exit $status
fi
if [ -x "$E2E_NODE_DIR/bin/node" ]; then export PATH="$E2E_NODE_DIR/bin:$PATH"; fi
export CODE_SERVER_BIN CHROMIUM_BIN
timeout 600 node e2e/e2e.mjs || status=1
exit $status
