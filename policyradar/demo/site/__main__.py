"""Entry point of ``python -m policyradar.demo.site``; the command itself is in ``cli.py``."""

import sys

from policyradar.demo.site.cli import main

if __name__ == "__main__":
    sys.exit(main())
