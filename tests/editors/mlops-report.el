;;; mlops-report.el --- mlops-report in Emacs with eglot  -*- lexical-binding: t -*-
;; Put this in your init file; it needs the `mlops-report' command on PATH
;; and eglot (built in since Emacs 29; `apt install elpa-eglot' on Debian 12).
(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs
               '((markdown-mode gfm-mode) . ("mlops-report" "serve"))))
(add-hook 'markdown-mode-hook #'eglot-ensure)
