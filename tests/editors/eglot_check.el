;;; eglot_check.el --- batch check: eglot brings the server's findings into flymake  -*- lexical-binding: t -*-
;; emacs --batch -l tests/editors/eglot_check.el REPORT.md
;; Env: MLOPS_REPORT_CONFIG (the configuration users paste), MLOPS_REPORT_OUT (results, one per line).
;; Not -Q: Debian's site-start puts elpa-eglot on the load path.
(require 'cl-lib)
(require 'eglot)
(require 'flymake)

;; Debian's Emacs has no markdown-mode; a mode of that name gives the same languageId.
(unless (fboundp 'markdown-mode)
  (define-derived-mode markdown-mode text-mode "Markdown"))
(load (getenv "MLOPS_REPORT_CONFIG") nil t)

(defvar mlops-check-published nil "The diagnostics of the last publishDiagnostics eglot handled.")
(cl-defmethod eglot-handle-notification :after
  (_server (_method (eql textDocument/publishDiagnostics)) &key diagnostics &allow-other-keys)
  (when (> (length diagnostics) 0) (setq mlops-check-published diagnostics)))

(let* ((file (expand-file-name (car command-line-args-left)))
       (out (expand-file-name (getenv "MLOPS_REPORT_OUT")))
       (buffer (find-file-noselect file)))
  (setq command-line-args-left nil)
  (with-current-buffer buffer
    (markdown-mode)
    ;; eglot-ensure waits for a command loop, which batch mode never runs
    (apply #'eglot (eglot--guess-contact))
    (let ((tries 0))
      (while (and (null mlops-check-published) (< tries 200))
        (accept-process-output nil 0.1)
        (setq tries (1+ tries))))
    (flymake-start)
    (accept-process-output nil 0.5)
    (let ((shown (mapcar (lambda (d)
                           (format "flymake: line %d: %s\n"
                                   (line-number-at-pos (flymake-diagnostic-beg d))
                                   (flymake-diagnostic-text d)))
                         (flymake-diagnostics))))
      (with-temp-file out
        (insert (format "emacs %s\n" emacs-version))
        (seq-doseq (d mlops-check-published)
          (insert (format "code: %s line %d: %s\n" (plist-get d :code)
                          (plist-get (plist-get (plist-get d :range) :start) :line)
                          (plist-get d :message))))
        (mapc #'insert shown)))
    (ignore-errors (eglot-shutdown (eglot-current-server)))
    (kill-emacs (if mlops-check-published 0 1))))
