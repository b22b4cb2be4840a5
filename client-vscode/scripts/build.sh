#!/usr/bin/env bash
# Builds the VS Code extension: client-vscode/mlops-report-VERSION.vsix.
#   type-check + bundle the TypeScript, bundle the Python server and its pure-Python
#   libraries into bundled/, package with vsce. Needs only the npm registry and PyPI.
# Env: PYTHON (default .venv/bin/python): the Python whose installed versions of pygls & co.
# are bundled. Prints the path of the .vsix on success.
set -euo pipefail
EXT=$(cd "$(dirname "$0")/.." && pwd)
ROOT=$(dirname "$EXT")
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
cd "$EXT"

fail() {
  echo "*** vsix build FAILED: $1 ***" >&2
  cat "$LOG" >&2
  exit 1
}
quietly() { "$@" >"$LOG" 2>&1; }

# --- node dependencies: npm ci only when package-lock.json changed ------------------------
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.lock-sum 2>/dev/null)" != "$lock_sum" ]; then
  quietly npm ci --no-audit --no-fund --loglevel=error || fail "npm ci"
  echo "$lock_sum" >node_modules/.lock-sum
fi

# --- TypeScript --------------------------------------------------------------------------
quietly node_modules/.bin/tsc --noEmit -p . || fail "tsc --noEmit"
rm -rf dist
quietly node_modules/.bin/esbuild src/extension.ts --bundle --outfile=dist/extension.js --external:vscode \
  --format=cjs --platform=node --target=node18 --minify --sourcemap || fail "esbuild"

# --- Python: the server and its libraries, pure-Python wheels only -----------------------
# bundled/tool/start.py runs the server with bundled/libs first on sys.path.
rm -rf bundled
mkdir -p bundled/tool bundled/libs bundled/libs-py310
cp python/start.py bundled/tool/
[ -x "$PYTHON" ] || fail "no Python at $PYTHON (run 'make setup', or set PYTHON)"
# The requirements of mlops-report, followed transitively and pinned to the versions installed
# in $PYTHON. Markers are ignored on purpose: a library needed on any Python >= 3.10 (e.g.
# exceptiongroup for cattrs on 3.10) is bundled even when $PYTHON itself does not need it.
requirements=$("$PYTHON" - <<'PY'
import re
from importlib import metadata

def name_of(requirement):
    return re.match(r"[A-Za-z0-9._-]+", requirement).group(0)

def normal(name):
    return re.sub(r"[-_.]+", "-", name).lower()

pins, todo, seen = [], ["mlops-report"], set()
while todo:
    requirement = todo.pop()
    name = normal(name_of(requirement))
    if name in seen:
        continue
    seen.add(name)
    try:
        version = metadata.version(name)
    except metadata.PackageNotFoundError:
        pins.append(requirement.split(";")[0].replace(" ", ""))  # not installed here: newest that fits
        continue
    if name != "mlops-report":
        pins.append(f"{name}=={version}")
    for dependency in metadata.requires(name) or []:
        if "extra ==" not in dependency and "extra==" not in dependency:
            todo.append(dependency)
print("\n".join(sorted(pins)))
PY
) || fail "reading the installed versions from $PYTHON (is mlops-report installed there? run 'make setup')"
# A library whose newest release needs Python 3.11 (markdown) is a requirement twice in
# pyproject.toml: the newest for Python >= 3.11, an older one `; python_version < '3.11'`.
# The newest goes to bundled/libs, the older one to bundled/libs-py310, which start.py puts
# first on Python 3.10.
older=$("$PYTHON" - <<'PY'
from importlib import metadata
for requirement in metadata.requires("mlops-report") or []:
    spec, _, marker = requirement.partition(";")
    if "python_version" in marker and "<" in marker and "extra" not in marker:
        print(spec.replace(" ", ""))
PY
) || fail "reading the requirements for Python 3.10 from $PYTHON"
newest=""
for spec in $older; do
  name=$(echo "$spec" | sed -E 's/[<>=!~].*//' | tr 'A-Z_.' 'a-z--')
  pin=$(echo "$requirements" | grep -E "^$name==" || true)
  requirements=$(echo "$requirements" | grep -vE "^$name==" || true)
  newest="$newest $pin"
done
# shellcheck disable=SC2086
quietly "$PYTHON" -m pip install --disable-pip-version-check --no-deps --no-compile --target bundled/libs \
  --only-binary=:all: --implementation py --python-version 3.10 --abi none --platform any $requirements \
  || fail "pip install --target bundled/libs ($(echo $requirements))"
if [ -n "$older" ]; then
  # shellcheck disable=SC2086
  quietly "$PYTHON" -m pip install --disable-pip-version-check --no-deps --no-compile --target bundled/libs \
    --only-binary=:all: --implementation py --python-version 3.11 --abi none --platform any $newest \
    || fail "pip install --target bundled/libs ($newest)"
  # shellcheck disable=SC2086
  quietly "$PYTHON" -m pip install --disable-pip-version-check --no-deps --no-compile --target bundled/libs-py310 \
    --only-binary=:all: --implementation py --python-version 3.10 --abi none --platform any $older \
    || fail "pip install --target bundled/libs-py310 ($older)"
  rm -rf bundled/libs-py310/bin
fi
rm -rf bundled/libs/bin
# Nothing compiled may ship: the bundle runs on any OS and any Python >= 3.10. (dulwich's platform
# wheels carry compiled speedups; its py3-none-any wheel, chosen above, runs them in Python.)
compiled=$(find bundled/libs bundled/libs-py310 \( -name '*.so' -o -name '*.pyd' -o -name '*.dylib' \) -print -quit)
[ -z "$compiled" ] || fail "a compiled module in bundled/libs: $compiled"
cp -r "$ROOT/server/mlops_report" bundled/libs/
find bundled -name __pycache__ -type d -prune -exec rm -rf {} +
printf '%s\n' "$requirements" $newest >bundled/libs/BUNDLED.txt
printf '%s\n' $older >bundled/libs-py310/BUNDLED.txt

# --- package -----------------------------------------------------------------------------
version=$(node -p 'require("./package.json").version')
vsix="$EXT/mlops-report-$version.vsix"
rm -f "$EXT"/mlops-report-*.vsix
quietly node_modules/.bin/vsce package --no-dependencies --allow-missing-repository --no-rewrite-relative-links \
  -o "$vsix" </dev/null || fail "vsce package"
echo "$vsix"
