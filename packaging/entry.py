"""The bundled app's entry point: ``workbench`` as the command line installs it.

``freeze_support`` lets the render's and the import probe's child processes (multiprocessing,
spawn) start from the frozen executable instead of a Python interpreter.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from workbench.cli import main

    sys.exit(main())
