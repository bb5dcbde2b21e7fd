"""Bulk publishing, the pure part: check every message, pack them into batch requests, and
turn each batch's answer (or failure) into one result per message.

``message.publish_many`` / ``publish_many_json`` (sync and async) plan the requests here, send
them with a bounded number in flight, and read the answers back here. Nothing in this module
does I/O.

Chunking: at most ``chunk_size`` messages (default 1,000) and ``max_request_bytes`` (default
1,000,000) of JSON per ``POST /v2/batch``. QStash documents no count limit for a batch; the
byte cap keeps each request within the smallest plan's 1 MB message size, and a message too
large for it on its own is sent alone, so QStash (whose limit depends on the plan) decides
about it, and only about it. Why 1,000 and not the 100 production code is known to use: the
per-request cost (HTTP, JSON framing, the round trip) is spread over ten times as many
messages, which measured about twice the throughput on loopback and more over a real
network (README, Performance); and a request refused as a whole no longer fails all of its
messages, because :func:`narrows` splits it until the refusal is pinned down (next).

Narrowing a refusal: when QStash refuses a whole batch request with 413 (too large) or 400
(something in it is invalid), the request is split in two halves, each half is sent on its
own, and a half refused the same way is split again, down to single messages. One bad message
among 1,000 is pinned down in about two requests per halving (about 20). The search is
bounded: at most ``8 * n.bit_length()`` extra requests for a request of ``n`` messages (80 for
1,000, enough to pin down about four bad messages); halves still refused when the budget is
spent fail with their own error. So several bad messages, or a refusal every message shares,
cost a bounded number of requests and never fail messages that went through.
"""

from __future__ import annotations

import json as _json_module
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, ClassVar, Literal, TypeAlias

from qstash import _values
from qstash._publish import (
    _DEDUP_ID,
    _ENCODER,
    _JSON,
    RequestSpec,
    _batch_item,
    _extensions,
    _has_dedup,
    _where,
)
from qstash.errors import (
    APIError,
    BatchItemError,
    InvalidArgumentError,
    PartialBatchError,
    QStashError,
)

if TYPE_CHECKING:
    # Only for annotations: qstash.message may then import the result types from here.
    from qstash.message import PublishResult

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "DEFAULT_MAX_IN_FLIGHT",
    "DEFAULT_MAX_REQUEST_BYTES",
    "BulkResult",
    "Chunk",
    "Failed",
    "NarrowingBudget",
    "Published",
    "check_limits",
    "narrows",
    "plan_chunks",
]

DEFAULT_CHUNK_SIZE = 1_000
"""Messages per batch request (see the module docstring for why 1,000)."""
DEFAULT_MAX_REQUEST_BYTES = 1_000_000
"""Largest batch request body, in bytes, unless one message alone is larger."""
DEFAULT_MAX_IN_FLIGHT = 4
"""Batch requests sent at the same time."""


@dataclass(frozen=True, slots=True)
class Published:
    """A message of ``publish_many`` that QStash accepted.

    ``result`` is its :class:`~qstash.message.PublishResponse`, or a list of
    :class:`~qstash.message.PublishUrlGroupResponse` (one per endpoint) for a URL group.
    ``ok`` is always True and ``error`` always None, so ``if outcome.ok:`` tells the two
    kinds of result apart (type checkers narrow on it too).
    """

    result: PublishResult
    # Class attributes, not fields: the same for every instance, and one field is quicker to
    # set than three (bulk makes one of these per message).
    ok: ClassVar[Literal[True]] = True
    error: ClassVar[None] = None


@dataclass(frozen=True, slots=True)
class Failed:
    """A message of ``publish_many`` that was not published.

    ``error`` says why: a :class:`~qstash.errors.BatchItemError` when QStash refused this
    message alone (its ``index`` is the message's position in the input), or the error of the
    whole batch request that carried it (an :class:`~qstash.errors.APIError` subclass such as
    ``ServerError`` after the retries, or ``APIConnectionError``), shared by every message of
    that request. ``ok`` is always False and ``result`` always None.
    """

    error: QStashError
    ok: ClassVar[Literal[False]] = False
    result: ClassVar[None] = None


BulkResult: TypeAlias = Published | Failed
"""One message's outcome in ``publish_many``: :class:`Published` or :class:`Failed`."""


@dataclass(frozen=True, slots=True)
class _Plan:
    """What the chunks of one call share: the messages, each one's encoded batch item, and
    whether each one carries a deduplication id."""

    messages: Sequence[Mapping[str, object]]
    encoded: Sequence[bytes]
    safe: Sequence[bool]


@dataclass(frozen=True, slots=True)
class Chunk:
    """One batch request: the messages ``start`` to ``start + count - 1`` of the input."""

    start: int
    count: int
    _plan: _Plan = field(repr=False)

    @property
    def spec(self) -> RequestSpec:
        """The ``POST /v2/batch`` request, built when asked for (so that only the requests in
        flight hold their bodies)."""
        stop = self.start + self.count
        plan = self._plan
        content = b"[" + b",".join(plan.encoded[self.start : stop]) + b"]"
        extensions = _extensions(
            all(plan.safe[self.start : stop]), plan.messages[self.start : stop]
        )
        return RequestSpec("POST", "/v2/batch", dict(_JSON), content, extensions)

    def halves(self) -> tuple[Chunk, Chunk]:
        """The first and the second half of this chunk's messages (it has two or more)."""
        half = self.count // 2
        return (
            Chunk(self.start, half, self._plan),
            Chunk(self.start + half, self.count - half, self._plan),
        )

    def failed(self, error: QStashError) -> list[BulkResult]:
        """The results when the whole request failed: ``error`` for each of its messages."""
        return [Failed(error)] * self.count

    def results(self, content: bytes, secrets: Sequence[str] = ()) -> list[BulkResult]:
        """The results read from QStash's answer to this request (one per message);
        ``secrets`` are scrubbed from refused items' texts."""
        from qstash.message import parse_batch  # loaded by then: the client parses with it

        refused = None
        try:
            answers: Sequence[object] = parse_batch(content, secrets)
        except PartialBatchError as partial:
            answers, refused = partial.results, partial.errors
        except QStashError as error:
            return self.failed(error)
        if len(answers) != self.count:
            return self.failed(
                QStashError(
                    f"QStash answered a batch of {self.count} messages with {len(answers)} results"
                )
            )
        if refused is None:
            return [Published(answer) for answer in answers]  # type: ignore[arg-type]
        return [
            Failed(BatchItemError(self.start + offset, answer.message))
            if isinstance(answer, BatchItemError)
            else Published(answer)  # type: ignore[arg-type]  # a PublishResult
            for offset, answer in enumerate(answers)
        ]


_NARROWED = (400, 413)
"""Whole-request refusals a smaller request may avoid: invalid, too large."""


def narrows(chunk: Chunk, outcome: object) -> bool:
    """Whether to split ``chunk`` after its request ended in ``outcome`` (its results, or the
    error of the whole request): a refusal a smaller request might avoid, of two messages or
    more (see the module docstring)."""
    return isinstance(outcome, APIError) and outcome.status in _NARROWED and chunk.count >= 2


class NarrowingBudget:
    """The extra requests narrowing one refused request may make (module docstring)."""

    __slots__ = ("left",)

    def __init__(self, count: int) -> None:
        self.left = 8 * count.bit_length()

    def split(self) -> bool:
        """Spend the two requests of one more split, if there are two left."""
        if self.left < 2:
            return False
        self.left -= 2
        return True


def check_limits(*, chunk_size: object, max_in_flight: object, max_request_bytes: object) -> None:
    """Refuse a limit that is not an ``int`` ≥ 1."""
    _values.positive_int(chunk_size, "chunk_size")
    _values.positive_int(max_in_flight, "max_in_flight")
    _values.positive_int(max_request_bytes, "max_request_bytes")


def _messages(messages: Iterable[Mapping[str, object]]) -> list[Mapping[str, object]]:
    if isinstance(messages, str | bytes | Mapping) or not isinstance(messages, Iterable):
        raise InvalidArgumentError(
            f"messages must be a list (or any iterable) of dicts, got {type(messages).__name__}",
            argument="messages",
        )
    return list(messages)


def _item(message: object, index: int, json: bool) -> tuple[dict[str, object], dict[str, str]]:
    """One message as a batch item, its errors naming it by its position in the input."""
    prefix = f"messages[{index}]"
    if not isinstance(message, Mapping):
        raise InvalidArgumentError(
            f"{prefix} must be a dict, got {type(message).__name__}", argument=prefix
        )
    try:
        return _batch_item(message, prefix, json)
    except InvalidArgumentError as exc:
        if exc.argument is not None and exc.argument.startswith(prefix):
            raise
        where = _where(prefix, exc.argument) if exc.argument else prefix
        raise InvalidArgumentError(f"{prefix}: {exc}", argument=where) from None


def _json_encoder() -> Callable[[object], str]:
    """``_ENCODER.encode`` without its per-call set-up: same output, about twice as fast."""
    make = getattr(_json_module.encoder, "c_make_encoder", None)
    if make is None:  # no C accelerator (e.g. PyPy): the plain encoder
        return _ENCODER.encode
    # No circular-reference bookkeeping: a cycle ends in RecursionError, and the caller then
    # asks the full encoder, which explains the problem.
    encode = make(
        None,
        _ENCODER.default,
        _json_module.encoder.encode_basestring,
        None,
        ":",
        ",",
        False,
        False,
        False,
    )

    def encode_one(value: object) -> str:
        return "".join(encode(value, 0))

    return encode_one


_encode_json = _json_encoder()
_quote = _json_module.encoder.encode_basestring  # a str as a JSON string, non-ASCII kept


# Option values of these types compare equal only when they validate the same way (with the
# type itself in the key, so that ``True`` and ``1`` stay apart).
_ATOMIC = frozenset({str, int, float, bool, type(None), datetime, timedelta})


def _freeze(value: object) -> object:
    """A hashable stand-in for an option value, equal only for equal values of equal types
    all the way down (``True`` and ``1`` validate differently, so they never share one)."""
    if isinstance(value, dict):
        return (dict, tuple((key, _freeze(item)) for key, item in value.items()))
    if isinstance(value, list | tuple):
        return (type(value), tuple(_freeze(item) for item in value))
    return (type(value), value)


@dataclass(frozen=True, slots=True)
class _Shape:
    """What messages with the same options (all but the body) share: their checked headers,
    pre-encoded as the JSON around the body.

    A message's item is ``opening``, its index when ``numbered``, ``closing``, its body, then
    ``tail``.
    """

    opening: str  # '{"destination":...,"headers":{...' (+ '"Upstash-Deduplication-Id":"<id>-')
    numbered: bool  # the message's index completes its deduplication id
    closing: str  # what closes the headers object (and the id's string)
    tail: str  # '...,"queue":...}' after the body
    deduplicated: bool  # the item carries a deduplication id (its own or a derived one)

    @classmethod
    def of(cls, options: Mapping[str, object], index: int, json: bool, dedup: str | None) -> _Shape:
        """Check ``options`` (errors name ``messages[index]``); ``dedup`` opens the derived
        deduplication id (``'"<id>-'``), None when there is none."""
        item, headers = _item(options, index, json)
        queue = item.get("queue")
        opening = (
            '{"destination":'
            + _quote(str(item["destination"]))
            + ',"headers":'
            + _ENCODER.encode(headers)[:-1]
        )
        own = _has_dedup(headers)
        numbered = not own and dedup is not None
        if numbered:
            opening += ("," if headers else "") + f'"{_DEDUP_ID}":{dedup}'
        return cls(
            opening=opening,
            numbered=numbered,
            closing='"}' if numbered else "}",
            tail=("" if queue is None else ',"queue":' + _quote(str(queue))) + "}",
            deduplicated=own or numbered,
        )


def _body_text(body: object) -> str:
    """A raw body as the batch item's string; raises anything on a value the slow path must
    explain (it raises the documented error)."""
    if body.__class__ is str:
        return body
    if body.__class__ is bytes:
        return body.decode()
    raise TypeError  # bytearray, memoryview, or a refused type: the slow path decides


class _ItemEncoder:
    """Turns messages into JSON batch items (UTF-8), checking each one.

    Messages sharing their options (all but the body) are checked and have their headers
    encoded once: bulk input is usually many messages of one kind. The deduplication ids are
    one id from the client's factory per call, then ``<id>-<index>`` per message: unique, and
    one syscall instead of one per message.
    """

    __slots__ = ("_dedup", "_json", "_shapes")

    def __init__(self, json: bool, dedup_ids: Callable[[], str] | None) -> None:
        self._json = json
        self._shapes: dict[object, _Shape] = {}
        # The opening of the JSON string '"<id>-': the index and the closing quote follow.
        self._dedup = None if dedup_ids is None else _quote(dedup_ids())[:-1] + "-"

    def _shape(self, options: dict[str, object], index: int) -> _Shape:
        # Usually option values of plain types, whose key is their items and their types;
        # anything else goes through _freeze.
        types = tuple(map(type, options.values()))
        key: object
        if _ATOMIC.issuperset(types):
            key = (tuple(options.items()), types)
        else:
            try:
                key = _freeze(options)
                hash(key)
            except TypeError:  # an unhashable value: check this message on its own
                return _Shape.of(options, index, self._json, self._dedup)
        shape = self._shapes.get(key)
        if shape is None:
            shape = self._shapes[key] = _Shape.of(options, index, self._json, self._dedup)
        return shape

    def encode(self, message: Mapping[str, object], index: int) -> tuple[bytes, bool]:
        """One message as a batch item, and whether it is deduplicated."""
        options = dict(message)
        body = options.pop("body", None)
        shape = self._shape(options, index)
        body_part = ""
        if body is not None:
            try:
                text = _encode_json(body) if self._json else _body_text(body)
                body_part = ',"body":' + _quote(text)
            except Exception:
                # The full check of this message raises the documented error for its body
                # (or, for a bytearray or memoryview, accepts it).
                item, _ = _item(message, index, self._json)
                body_part = ',"body":' + _quote(str(item["body"]))
        if shape.numbered:
            text = f"{shape.opening}{index}{shape.closing}{body_part}{shape.tail}"
        else:
            text = shape.opening + shape.closing + body_part + shape.tail
        try:
            return text.encode(), shape.deduplicated
        except UnicodeEncodeError:
            raise InvalidArgumentError(
                f"messages[{index}] contains a lone surrogate and cannot be encoded as UTF-8",
                argument=f"messages[{index}]",
            ) from None


def plan_chunks(
    messages: Iterable[Mapping[str, object]],
    *,
    json: bool,
    chunk_size: int,
    max_request_bytes: int,
    dedup_ids: Callable[[], str] | None,
) -> list[Chunk]:
    """Check every message, then pack them, in order, into ``POST /v2/batch`` requests.

    Raises :class:`~qstash.errors.InvalidArgumentError` for the first bad message (naming it,
    e.g. ``argument="messages[7].delay"``) before any request exists. When ``dedup_ids`` is
    given (retries are on), each message without its own deduplication gets an id made from
    one ``dedup_ids()`` call and its index, so a request retried after a lost answer cannot
    publish its messages twice; such a request is marked replay-safe. ``chunk_size`` and
    ``max_request_bytes`` are checked by :func:`check_limits`. The items are what
    :func:`qstash._publish.batch_request` sends, byte for byte (ids aside).
    """
    items = _messages(messages)
    encoder = _ItemEncoder(json, dedup_ids)
    encoded: list[bytes] = []
    safe: list[bool] = []
    for index, message in enumerate(items):
        if type(message) is not dict and not isinstance(message, Mapping):
            _item(message, index, json)  # raises: not a dict
        data, deduplicated = encoder.encode(message, index)
        encoded.append(data)
        safe.append(deduplicated)

    plan = _Plan(items, encoded, safe)
    chunks: list[Chunk] = []
    start = 0
    size = 2  # the brackets of the JSON array
    for index, data in enumerate(encoded):
        count = index - start
        if count and (count == chunk_size or size + 1 + len(data) > max_request_bytes):
            chunks.append(Chunk(start, count, plan))
            start, size = index, 2
        size += len(data) + (1 if index > start else 0)  # the comma before all but the first
    if encoded:
        chunks.append(Chunk(start, len(encoded) - start, plan))
    return chunks
