"""``python -m qstash <command>`` (and the ``qstash`` console script).

Commands: ``dev`` starts the local QStash development server (``qstash dev --help``).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

_USAGE = """usage: qstash <command> [options]

commands:
  dev    run a local QStash development server (qstash dev --help)
"""


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch to a command; returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        sys.stdout.write(_USAGE)
        return 0 if args else 2
    command, rest = args[0], args[1:]
    if command == "dev":
        from qstash.dev.cli import main as dev_main

        return dev_main(rest, prog="qstash dev")
    sys.stderr.write(f"qstash: unknown command {command!r}\n{_USAGE}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
