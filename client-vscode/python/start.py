"""Starts the bundled mlops-report language server over stdio.

The extension runs this file with ``python -I`` (isolated mode: no PYTHON* variables, no user
site-packages, not even the current directory on ``sys.path``), so the only third-party code the
server can import is what ships in ``bundled/libs`` next to this folder, put first on the path
here. The interpreter's own standard library is all it needs from the machine.
"""

import os
import runpy
import sys

if sys.version_info < (3, 10):
    sys.exit(f"mlops-report needs Python 3.10 or newer; this is {sys.version.split()[0]} ({sys.executable})")

BUNDLED = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(BUNDLED, "libs"))
if sys.version_info < (3, 11):  # releases of the libraries whose newest needs Python 3.11
    sys.path.insert(0, os.path.join(BUNDLED, "libs-py310"))
sys.argv = ["mlops-report", "serve", *sys.argv[1:]]
runpy.run_module("mlops_report", run_name="__main__", alter_sys=True)
