#!/usr/bin/env bash
# The tools a user might run instead of mlops-report, installed for the benchmark's peer rows
# into bench/.peers/ (git-ignored; none of them is a dependency of the project):
#   npm:  markdownlint-cli2, vscode-markdown-languageserver (VS Code's markdown language server)
#   PyPI: rumdl (a linter with an LSP server), pymarkdownlnt (PyMarkdown), in their own venv
# Idempotent: a tool already installed is kept. A tool that cannot be installed is left out and
# its row in the benchmark says so; this script never fails the benchmark.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
peers="$here/.peers"
python="${PYTHON:-python3}"
mkdir -p "$peers"

if command -v npm >/dev/null 2>&1; then
    for pkg in markdownlint-cli2 vscode-markdown-languageserver; do
        if [ ! -d "$peers/node/node_modules/$pkg" ]; then
            echo "setup-peers: npm install $pkg"
            npm install --silent --no-audit --no-fund --prefix "$peers/node" "$pkg" \
                >"$peers/npm-$pkg.log" 2>&1 || echo "setup-peers: $pkg not installed (see $peers/npm-$pkg.log)"
        fi
    done
else
    echo "setup-peers: no npm on this machine; the npm peers are left out"
fi

if [ ! -x "$peers/venv/bin/python" ]; then
    "$python" -m venv "$peers/venv" || echo "setup-peers: no venv for the PyPI peers"
fi
if [ -x "$peers/venv/bin/python" ]; then
    for pkg in rumdl pymarkdownlnt; do
        if ! "$peers/venv/bin/python" -m pip show -q "$pkg" >/dev/null 2>&1; then
            echo "setup-peers: pip install $pkg"
            "$peers/venv/bin/python" -m pip install -q --disable-pip-version-check "$pkg" \
                >"$peers/pip-$pkg.log" 2>&1 || echo "setup-peers: $pkg not installed (see $peers/pip-$pkg.log)"
        fi
    done
fi
exit 0
