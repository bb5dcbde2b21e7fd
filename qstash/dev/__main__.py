"""``python -m qstash.dev``: the same as ``qstash dev``."""

from __future__ import annotations

import sys

from qstash.dev.cli import main

if __name__ == "__main__":
    sys.exit(main(prog="python -m qstash.dev"))
