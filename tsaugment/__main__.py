"""``python -m tsaugment``: the same as the ``tsaugment`` command."""

import sys

from .cli import main

if __name__ == "__main__":  # not when a tool walks the package's modules
    sys.exit(main())
