#!/usr/bin/env bash
# Emacs 28 + eglot (Debian's) in batch mode: diagnostics from readiness on the fixture checklist,
# through the eglot configuration that editors/README.md gives.
NAME=emacs
source "$(dirname "$0")/../lib.sh"

SITE=/usr/share/emacs/site-lisp/elpa
if ! command -v emacs >/dev/null || ! ls -d "$SITE"/eglot-* >/dev/null 2>&1 || ! ls -d "$SITE"/markdown-mode-* >/dev/null 2>&1; then
    [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null || fail "need root and apt-get to install emacs-nox elpa-eglot elpa-markdown-mode"
    echo "installing emacs-nox elpa-eglot elpa-markdown-mode (apt-get)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq emacs-nox elpa-eglot elpa-markdown-mode) \
        >"$CACHE/apt-emacs.log" 2>&1 || fail "apt-get install emacs-nox elpa-eglot elpa-markdown-mode failed (see $CACHE/apt-emacs.log)"
fi
emacs --version | head -1

build_server
fresh_workspace
READINESS_BIN="$BIN" READINESS_WS="$WS" timeout 90 emacs -Q --batch -l "$ROOT/tests/editors/emacs/test.el" 2>"$CACHE/emacs-stderr.log" \
    || { rc=$?; tail -20 "$CACHE/emacs-stderr.log"; fail "test.el failed (exit $rc)"; }
pass
