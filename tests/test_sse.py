"""The incremental SSE decoder: the same events however the bytes are cut."""

from __future__ import annotations

import pytest

from qstash._sse import ServerSentEvent, SSEDecoder


def decode(chunks: list[bytes], *, terminator: str | None = None) -> list[ServerSentEvent]:
    decoder = SSEDecoder(terminator=terminator)
    events: list[ServerSentEvent] = []
    for chunk in chunks:
        events.extend(decoder.feed(chunk))
    events.extend(decoder.flush())
    return events


def splits(stream: bytes) -> list[list[bytes]]:
    """The stream whole, cut in two at every offset, and one byte at a time."""
    cuts = [[stream[:i], stream[i:]] for i in range(len(stream) + 1)]
    return [[stream], *cuts, [stream[i : i + 1] for i in range(len(stream))]]


# Every feature at once: comments, event/id/retry, multi-line data, no space after the colon,
# a second space kept, a field without a colon, unknown fields, an id with NUL, UTF-8.
STREAM = (
    ": keep-alive comment\n"
    "retry: 1500\n"
    "data: first\n"
    "\n"
    "event: update\n"
    "id: 42\n"
    "data:no-space\n"
    "data:  two spaces\n"
    "data\n"
    "unknown: ignored\n"
    "\n"
    "id: bad\x00id\n"
    'data: {"text": "h\u00e9llo \u2603 \U0001f600"}\n'
    "\n"
    "event: only-a-type\n"
    "\n"
    "retry: soon\n"
    "data: last\n"
    "\n"
)
EXPECTED = [
    ServerSentEvent("first", "message", None, 1500),
    ServerSentEvent("no-space\n two spaces\n", "update", "42", None),
    ServerSentEvent('{"text": "h\u00e9llo \u2603 \U0001f600"}', "message", "42", None),
    ServerSentEvent("last", "message", "42", None),
]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_every_split_of_every_line_ending_gives_the_same_events(newline: str) -> None:
    stream = STREAM.replace("\n", newline).encode()
    for chunks in splits(stream):
        assert decode(chunks) == EXPECTED, chunks


def test_mixed_line_endings() -> None:
    stream = b"data: a\r\ndata: b\rdata: c\n\r\ndata: d\r\r"
    for chunks in splits(stream):
        assert decode(chunks) == [ServerSentEvent("a\nb\nc"), ServerSentEvent("d")], chunks


def test_events_come_out_as_soon_as_their_blank_line_arrives() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: one\n") == []
    assert decoder.feed(b"\ndata: tw") == [ServerSentEvent("one")]
    assert decoder.feed(b"o\r") == []
    # A lone "\r" already ends the line and, here, the event: no need to wait for a "\n".
    assert decoder.feed(b"\r") == [ServerSentEvent("two")]
    assert decoder.feed(b"\n") == []  # the "\n" of "\r\n": not another blank line
    assert decoder.flush() == []


def test_flush_dispatches_an_event_cut_off_by_the_end_of_the_stream() -> None:
    for stream in (b"data: tail", b"data: tail\n", b"data: tail\r", b"data: tail\r\n"):
        for chunks in splits(stream):
            assert decode(chunks) == [ServerSentEvent("tail")], chunks


@pytest.mark.parametrize(
    ("stream", "expected"),
    [
        (b"data:\n\n", [ServerSentEvent("")]),
        (b"data\n\n", [ServerSentEvent("")]),
        (b"data:\ndata:\n\n", [ServerSentEvent("\n")]),
        (b"event: x\n\n", []),
        (b"id: 7\n\ndata: a\n\n", [ServerSentEvent("a", id="7")]),
        (b"id: 7\n\nid\ndata: a\n\n", [ServerSentEvent("a", id="")]),
        (b"data: a\n\nretry: 10\n\ndata: b\n\n", [ServerSentEvent("a"), ServerSentEvent("b")]),
        (b"retry: 1x\ndata: a\n\n", [ServerSentEvent("a")]),
        (b":comment only\n\n", []),
        (b"DATA: case matters\n\n", []),
        (b"data : space before colon\n\n", []),
        (b"\n\n\n", []),
        (b"", []),
    ],
)
def test_field_rules(stream: bytes, expected: list[ServerSentEvent]) -> None:
    for chunks in splits(stream):
        assert decode(chunks) == expected, chunks


def test_utf8_split_inside_a_character_and_invalid_bytes() -> None:
    text = "data: \u00e9\u2603\U0001f600\n\n".encode()
    for chunks in splits(text):
        assert decode(chunks) == [ServerSentEvent("\u00e9\u2603\U0001f600")]
    assert decode([b"data: \xff\xfe ok\n\n"]) == [ServerSentEvent("\ufffd\ufffd ok")]


def test_leading_bom_is_skipped_only_at_the_start() -> None:
    stream = b"\xef\xbb\xbfdata: a\n\n\xef\xbb\xbfdata: b\n\n"
    for chunks in splits(stream):
        # The second BOM makes an unknown field name, so that event is dropped.
        assert decode(chunks) == [ServerSentEvent("a")], chunks


def test_terminator_ends_the_stream() -> None:
    stream = b'data: {"n":1}\n\ndata: [DONE]\n\ndata: {"n":2}\n\n'
    for chunks in splits(stream):
        decoder = SSEDecoder(terminator="[DONE]")
        events = [event for chunk in chunks for event in decoder.feed(chunk)]
        events += decoder.flush()
        assert events == [ServerSentEvent('{"n":1}')], chunks
        assert decoder.done
        assert decoder.feed(b"data: more\n\n") == []


def test_terminator_at_the_very_end_without_blank_line() -> None:
    decoder = SSEDecoder(terminator="[DONE]")
    assert decoder.feed(b"data: x\n\ndata: [DONE]") == [ServerSentEvent("x")]
    assert not decoder.done
    assert decoder.flush() == []
    assert decoder.done


def test_terminator_is_only_a_whole_data_value() -> None:
    stream = b"data: [DONE] not\n\ndata: [DONE]\ndata: x\n\n"
    assert decode([stream], terminator="[DONE]") == [
        ServerSentEvent("[DONE] not"),
        ServerSentEvent("[DONE]\nx"),
    ]
    assert decode([b"data: [DONE]\n\n"]) == [ServerSentEvent("[DONE]")]  # no terminator set


def test_many_events_in_one_chunk_and_long_lines_in_small_reads() -> None:
    many = b"".join(b"data: %d\n\n" % i for i in range(500))
    assert [event.data for event in decode([many])] == [str(i) for i in range(500)]
    long_value = b"x" * 100_000
    chunks = [b"data: "] + [long_value[i : i + 7] for i in range(0, len(long_value), 7)]
    assert decode([*chunks, b"\n\n"]) == [ServerSentEvent(long_value.decode())]
