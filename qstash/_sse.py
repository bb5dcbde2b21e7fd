"""An incremental server-sent events decoder: feed it bytes as they arrive, get events back.

Pure (no I/O), so the sync and async chat streams share it and tests can cut a stream at every
byte. It follows the WHATWG ``text/event-stream`` rules:

* lines end with ``\\n``, ``\\r\\n`` or ``\\r``, and a line may be split across network reads
  anywhere, even between the ``\\r`` and ``\\n`` of one line ending;
* a blank line ends an event; an event without ``data`` is dropped;
* ``field: value`` with one optional space after the colon; a line without a colon is a field
  with an empty value; a line starting with ``:`` is a comment;
* ``data`` lines are joined with ``\\n``; ``event`` sets the type (default ``message``);
  ``id`` sets the last event id, which later events keep (an id containing NUL is ignored);
  ``retry`` (ASCII digits only) is the reconnection time in milliseconds;
* text is UTF-8 (a leading BOM is skipped; invalid bytes become U+FFFD). Line endings are ASCII
  and never occur inside a multi-byte character, so lines are cut as bytes and decoded whole:
  a character split between two reads is never broken.

Unlike a browser, :meth:`SSEDecoder.flush` also dispatches an event that the stream ended
without a blank line for, since some servers close right after their last ``data:`` line.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SSEDecoder", "ServerSentEvent"]

_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class ServerSentEvent:
    """One event: ``data`` (its ``data:`` lines joined with ``\\n``), the ``event`` type,
    the last event ``id`` seen so far, and ``retry`` in milliseconds when this event set it."""

    data: str
    event: str = "message"
    id: str | None = None
    retry: int | None = None


class SSEDecoder:
    """Turns chunks of a ``text/event-stream`` body into :class:`ServerSentEvent` objects.

    Call :meth:`feed` with each chunk as it arrives and :meth:`flush` once at the end.

    Args:
        terminator: a ``data`` value that ends the stream (OpenAI-style ``[DONE]``): that event
            is not returned, :attr:`done` becomes True and later input is ignored.
    """

    __slots__ = (
        "_data",
        "_done",
        "_event",
        "_last_id",
        "_pending",
        "_retry",
        "_skip_lf",
        "_started",
        "_terminator",
    )

    def __init__(self, *, terminator: str | None = None) -> None:
        self._terminator = terminator
        self._pending = bytearray()  # an unfinished line
        self._skip_lf = False  # the last chunk ended in "\r": a "\n" next belongs to it
        self._started = False  # past the first line (where a BOM may sit)
        self._data: list[str] = []
        self._event = ""
        self._last_id: str | None = None
        self._retry: int | None = None
        self._done = False

    @property
    def done(self) -> bool:
        """True once the terminator event was seen."""
        return self._done

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """Decode ``chunk`` and return the events it completed (often none, sometimes many)."""
        if self._done or not chunk:
            return []
        if self._skip_lf:
            self._skip_lf = False
            if chunk[:1] == b"\n":
                chunk = chunk[1:]
                if not chunk:
                    return []
        if b"\n" not in chunk and b"\r" not in chunk:
            # No line ends here: just remember the bytes (cheap for long lines in small reads).
            self._pending += chunk
            return []
        if self._pending:
            self._pending += chunk
            text = bytes(self._pending)
            self._pending.clear()
        else:
            text = chunk
        lines = text.splitlines(keepends=True)
        last = lines[-1]
        if last.endswith(b"\r"):
            self._skip_lf = True
        elif not last.endswith(b"\n"):
            self._pending += lines.pop()
        events: list[ServerSentEvent] = []
        for line in lines:
            self._line(line.rstrip(b"\r\n"), events)
            if self._done:
                break
        return events

    def flush(self) -> list[ServerSentEvent]:
        """End of stream: finish the last line and dispatch the event it belongs to, if any."""
        events: list[ServerSentEvent] = []
        if self._done:
            return events
        if self._pending:
            line = bytes(self._pending)
            self._pending.clear()
            self._line(line, events)
        if not self._done:
            self._dispatch(events)
        self._skip_lf = False
        return events

    def _line(self, line: bytes, events: list[ServerSentEvent]) -> None:
        if not self._started:
            self._started = True
            if line.startswith(_BOM):
                line = line[len(_BOM) :]
        if not line:
            self._dispatch(events)
            return
        if line[:1] == b":":
            return
        name, colon, value = line.partition(b":")
        if colon and value[:1] == b" ":
            value = value[1:]
        if name == b"data":
            self._data.append(value.decode("utf-8", "replace"))
        elif name == b"event":
            self._event = value.decode("utf-8", "replace")
        elif name == b"id" and b"\x00" not in value:
            self._last_id = value.decode("utf-8", "replace")
        elif name == b"retry" and value.isdigit():
            self._retry = int(value)
        # Other field names are ignored, as the standard requires.

    def _dispatch(self, events: list[ServerSentEvent]) -> None:
        data, event, retry = self._data, self._event, self._retry
        self._data, self._event, self._retry = [], "", None
        if not data:
            return
        text = "\n".join(data)
        if self._terminator is not None and text == self._terminator:
            self._done = True
            self._pending.clear()
            return
        events.append(ServerSentEvent(text, event or "message", self._last_id, retry))
