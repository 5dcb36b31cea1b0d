#!/usr/bin/env bash
# VS Code (code-server 4.139.1 = VS Code 1.139) in headless Chromium, driven by playwright-core:
# builds the .vsix with `npm run package`, installs it into a fresh extensions folder, opens the
# fixture workspace, and checks the Problems panel, a hover, and the status bar item.
# Screenshot: tests/editors/vscode/out/screenshot.png; READINESS_UPDATE_SCREENSHOT=1 (or a missing
# docs/images/vscode.png) also copies it to docs/images/vscode.png for the README.
NAME=vscode
source "$(dirname "$0")/../lib.sh"
source "$ROOT/tests/editors/vscode/install-tools.sh"   # Node 24 first on PATH, $TOOLS
OUT="$ROOT/tests/editors/vscode/out"
rm -rf "$OUT" && mkdir -p "$OUT"

build_server

echo "building the .vsix (npm run package)"
EXT="$ROOT/editors/vscode"
if [[ ! -f "$EXT/node_modules/.package-lock.json" || "$EXT/package-lock.json" -nt "$EXT/node_modules/.package-lock.json" ]]; then
    (cd "$EXT" && npm ci --no-audit --no-fund -s) >"$OUT/npm-ci.log" 2>&1 || fail "npm ci in editors/vscode failed (see $OUT/npm-ci.log)"
fi
(cd "$EXT" && npm run -s package) >"$OUT/package.log" 2>&1 || fail "npm run package failed (see $OUT/package.log)"
VSIX="$EXT/readiness.vsix"
[[ -f "$VSIX" ]] || fail "npm run package made no $VSIX"

RUN="$(mktemp -d "${TMPDIR:-/tmp}/readiness-vscode-XXXXXX")"
U="$RUN/user-data" E="$RUN/extensions"
mkdir -p "$U/User" "$E"
cat >"$U/User/settings.json" <<JSON
{
  "readiness.server.path": "$BIN",
  "readiness.today": "2026-01-15",
  "workbench.startupEditor": "none",
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "editor.hover.delay": 150,
  "editor.minimap.enabled": false,
  "problems.autoReveal": false,
  "window.commandCenter": false,
  "chat.disableAIFeatures": true
}
JSON
# code-server is a remote set-up: machine-scoped settings (readiness.server.path) belong in the
# Machine settings, which the extension host reads at start; the User file alone raced with it.
mkdir -p "$U/Machine" && cp "$U/User/settings.json" "$U/Machine/settings.json"
CS="$TOOLS/node_modules/.bin/code-server"
"$CS" --user-data-dir "$U" --extensions-dir "$E" --install-extension "$VSIX" >"$OUT/install.log" 2>&1 \
    || fail "code-server --install-extension failed (see $OUT/install.log)"
ls "$E" | grep -q '^readiness\.readiness-' || fail "the extension is not in $E after --install-extension"

fresh_workspace
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
setsid "$CS" --auth none --bind-addr "127.0.0.1:$PORT" --user-data-dir "$U" --extensions-dir "$E" \
    --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
    "$WS" >"$OUT/code-server.log" 2>&1 &
CS_PID=$!
trap 'kill -- -$CS_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
    kill -0 $CS_PID 2>/dev/null || fail "code-server exited (see $OUT/code-server.log)"
    sleep 0.5
done
curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null || fail "code-server did not answer on port $PORT"

PLAYWRIGHT="$TOOLS/node_modules/playwright-core" timeout 240 node "$ROOT/tests/editors/vscode/test.js" \
    "http://127.0.0.1:$PORT/?folder=$WS" "$OUT" || { rc=$?; fail "test.js failed (exit $rc; screenshots in $OUT)"; }

if [[ "${READINESS_UPDATE_SCREENSHOT:-}" == 1 || ! -f "$ROOT/docs/images/vscode.png" ]]; then
    mkdir -p "$ROOT/docs/images" && cp "$OUT/screenshot.png" "$ROOT/docs/images/vscode.png"
    echo "copied the screenshot to docs/images/vscode.png"
fi
pass
