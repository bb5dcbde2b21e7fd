"""The dev server's logical clock: real, sped up, or moved by hand in tests.

Every time the server stores or reports (``createdAt``, ``notBefore``, log times, cron ticks,
retry due times) is *logical* unix milliseconds from one :class:`Clock`. Signatures are the
exception: their ``iat``/``exp`` use the real wall clock, because real receivers check them.
"""

from __future__ import annotations

import time
from typing import Protocol

__all__ = ["Clock", "ManualClock", "ScaledClock"]


class Clock(Protocol):
    """What the engine needs from a clock."""

    def now_ms(self) -> int:
        """The logical time, unix milliseconds."""
        ...

    def real_seconds_until(self, due_ms: int) -> float | None:
        """Real seconds to sleep until logical ``due_ms``; ``None``: only when woken."""
        ...


class ScaledClock:
    """Logical time running ``scale`` times faster than real time, from the real now.

    ``scale=1`` is the plain wall clock (monotonic underneath, so it never jumps back).
    """

    __slots__ = ("_origin_mono", "_origin_ms", "scale")

    def __init__(self, scale: float = 1.0) -> None:
        if not scale > 0:
            raise ValueError(f"time scale must be positive, got {scale!r}")
        self.scale = float(scale)
        self._origin_ms = time.time() * 1000.0
        self._origin_mono = time.monotonic()

    def now_ms(self) -> int:
        """The logical time, unix milliseconds."""
        return int(self._origin_ms + (time.monotonic() - self._origin_mono) * 1000.0 * self.scale)

    def real_seconds_until(self, due_ms: int) -> float | None:
        """Real seconds until ``due_ms`` (never negative)."""
        return max(0.0, (due_ms - self.now_ms()) / 1000.0 / self.scale)

    def __repr__(self) -> str:
        return f"ScaledClock(scale={self.scale})"


class ManualClock:
    """A clock that moves only when told to (tests).

    Args:
        start_ms: the initial logical time, unix milliseconds; defaults to the real now.

    Use :meth:`DevServer.advance <qstash.dev.DevServer.advance>` to move it: that also runs
    the work that falls due, in time order. Setting it directly only moves the time.
    """

    __slots__ = ("_now",)

    def __init__(self, start_ms: int | None = None) -> None:
        self._now = int(time.time() * 1000) if start_ms is None else int(start_ms)

    def now_ms(self) -> int:
        """The logical time, unix milliseconds."""
        return self._now

    def set_ms(self, value: int) -> None:
        """Move to ``value`` (unix milliseconds); moving backwards is refused."""
        if value < self._now:
            raise ValueError("a manual clock never moves backwards")
        self._now = int(value)

    def real_seconds_until(self, due_ms: int) -> float | None:
        """Always ``None``: nothing falls due until the clock is moved."""
        return None

    def __repr__(self) -> str:
        return f"ManualClock(now_ms={self._now})"
