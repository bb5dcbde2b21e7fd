"""A benchmark server in a child process: shared by scripts/_bench.py and _bench_throughput.py.

Standard library only (the official-SDK worker of the throughput benchmark runs in another
virtual environment). The child prints ``PORT <n>`` once listening on 127.0.0.1 and exits when
its stdin closes, so it cannot outlive the benchmark even if the parent crashes.
"""

from __future__ import annotations

import subprocess


class ChildServer:
    """Start ``command`` (which must print ``PORT <n>``); ``url`` is where it listens."""

    def __init__(self, command: list[str]) -> None:
        self._proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline().decode().split()
        if len(line) != 2 or line[0] != "PORT":
            self.stop()
            raise RuntimeError(f"the bench server did not start (said {line!r})")
        self.url = f"http://127.0.0.1:{line[1]}"

    def stop(self) -> None:
        """Close the lifeline and wait; terminate only if it does not go by itself."""
        if self._proc.stdin is not None:
            self._proc.stdin.close()
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.terminate()
            self._proc.wait(timeout=5)
        if self._proc.stdout is not None:
            self._proc.stdout.close()
