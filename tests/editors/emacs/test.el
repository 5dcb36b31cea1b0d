;;; test.el --- Emacs 28 + eglot, batch: diagnostics from readiness on the fixture checklist.
;; emacs -Q --batch -l test.el, with READINESS_BIN and READINESS_WS in the environment.

(setq package-directory-list '("/usr/share/emacs/site-lisp/elpa"))
(package-initialize)
(require 'eglot)
(require 'flymake)
(require 'markdown-mode)

(defvar readiness-bin (getenv "READINESS_BIN"))
(defvar readiness-ws (file-name-as-directory (getenv "READINESS_WS")))
(defvar readiness-failures 0)

(defun readiness-say (fmt &rest args)
  (princ (concat (apply #'format fmt args) "\n")))

(defun readiness-check (ok what &optional detail)
  (if ok
      (readiness-say "ok    %s" what)
    (setq readiness-failures (1+ readiness-failures))
    (readiness-say "FAIL  %s%s" what (if detail (format ": %s" detail) "")))
  ok)

;; The configuration from editors/README.md, with the test's binary and a fixed date.
(add-to-list 'eglot-server-programs
             `((markdown-mode gfm-mode yaml-mode dockerfile-mode sh-mode)
               . (,readiness-bin "lsp" :initializationOptions (:today "2026-01-15"))))

(find-file (expand-file-name "readiness.md" readiness-ws))
(readiness-check (derived-mode-p 'markdown-mode) "readiness.md opens in markdown-mode")
;; `eglot-ensure' waits for a command loop that batch mode lacks: start it as M-x eglot would.
(call-interactively #'eglot)
(readiness-check (eglot-current-server) "eglot connected to readiness")

(defun readiness-codes ()
  (mapcar (lambda (d)
            (let ((lsp (alist-get 'eglot-lsp-diag (flymake-diagnostic-data d))))
              (format "%s" (plist-get lsp :code))))
          (flymake-diagnostics)))

(defvar readiness-want '("env-mismatch" "missing-evidence" "broken-link"))
(let ((deadline (+ (float-time) 30)))
  (while (and (< (float-time) deadline)
              (cl-set-difference readiness-want (readiness-codes) :test #'string=))
    (accept-process-output nil 0.2)
    (flymake-start)))

(let ((codes (readiness-codes)))
  (dolist (want readiness-want)
    (readiness-check (member want codes) (format "diagnostic %s" want)
                     (format "got %S" codes))))
(dolist (d (flymake-diagnostics))
  (readiness-say "      %d: %s [%s] %s"
                 (line-number-at-pos (flymake-diagnostic-beg d))
                 (flymake-diagnostic-type d)
                 (plist-get (alist-get 'eglot-lsp-diag (flymake-diagnostic-data d)) :code)
                 (replace-regexp-in-string "\n" " / " (flymake-diagnostic-text d))))

(let ((server (eglot-current-server)))
  (when server
    (let ((eglot-autoreconnect nil))
      (ignore-errors (eglot-shutdown server)))))

(readiness-say "%d failed" readiness-failures)
(kill-emacs (if (zerop readiness-failures) 0 1))
