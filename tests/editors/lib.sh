# Shared by the editor tests: paths, the server build, and the PASS/FAIL line.
# Source it from a test script after setting NAME (the editor's name).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# Everything the editor tests install goes here (gitignored); CI starts without it.
CACHE="${READINESS_EDITORS_CACHE:-$ROOT/.cache/editors}"
mkdir -p "$CACHE"
STARTED=$SECONDS

pass() { echo "PASS: editors/$NAME ($((SECONDS - STARTED)) s)${1:+: $1}"; exit 0; }
fail() { echo "FAIL: editors/$NAME ($((SECONDS - STARTED)) s): $1"; exit 1; }

# Builds the server (unless READINESS_BIN names one) and sets BIN to its absolute path.
build_server() {
    if [[ -n "${READINESS_BIN:-}" ]]; then
        BIN="$READINESS_BIN"
    else
        (cd "$ROOT" && cargo build -p readiness --locked -q) || fail "cargo build -p readiness failed"
        BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/readiness"
        [[ "$BIN" = /* ]] || BIN="$ROOT/$BIN"
    fi
    [[ -x "$BIN" ]] || fail "no server binary at $BIN"
    "$BIN" lsp </dev/null >/dev/null 2>&1 || [[ $? -ne 2 ]] || fail "$BIN has no \`lsp\` subcommand"
}

# Copies the fixture workspace to a fresh folder (editors may edit or create files) and sets WS.
fresh_workspace() {
    WS="$(mktemp -d "${TMPDIR:-/tmp}/readiness-$NAME-XXXXXX")/workspace"
    cp -r "$ROOT/tests/editors/fixtures/workspace" "$WS"
}
