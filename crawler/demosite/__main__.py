"""Entry point of ``python -m crawler.demosite``; the command itself is in ``cli.py``."""

import sys

from crawler.demosite.cli import main

if __name__ == "__main__":
    sys.exit(main())
