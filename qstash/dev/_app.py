"""The ``/v2`` HTTP API of the dev server (aiohttp.web), with every variant the SDKs send.

Handlers authenticate, parse, call the engine or change account state, wait until the change
is durable (``--db``), and answer with the wire shapes of :mod:`qstash.dev._views`. Errors are
``{"error": "..."}`` with the documented status codes.
"""

from __future__ import annotations

import json
import logging
import secrets
import string
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import replace
from typing import Any
from urllib.parse import unquote_plus

from aiohttp import web

from qstash.dev._engine import ApiError, Engine
from qstash.dev._model import Account, DlqEntry, Endpoint, LogEntry, Message, Queue, UrlGroup
from qstash.dev._publish import parse_draft, parse_overrides, parse_schedule
from qstash.dev._values import is_http_url, parse_bool, valid_name
from qstash.dev._views import (
    Filter,
    dlq_view,
    flow_view,
    group_view,
    log_view,
    message_view,
    queue_view,
    schedule_view,
)

__all__ = ["build_app", "keys_record"]

_log = logging.getLogger("qstash.dev")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_ACCOUNT = web.AppKey("account_lookup", dict)

_KEY_ALPHABET = string.ascii_letters + string.digits


def _json(data: Any, status: int = 200) -> web.Response:
    return web.Response(
        body=json.dumps(data, separators=(",", ":")).encode(),
        status=status,
        content_type="application/json",
    )


def _empty(status: int = 200) -> web.Response:
    return web.Response(status=status)


def _error(status: int, message: str) -> web.Response:
    return _json({"error": message}, status)


async def _durable(engine: Engine) -> None:
    pending = engine.journal.barrier()
    if pending is not None:
        await pending


def _account(request: web.Request) -> Account:
    accounts: dict[str, Account] = request.app[_ACCOUNT]
    header = request.headers.get("Authorization")
    token: str | None = None
    if header is not None and header[:7].lower() == "bearer ":
        token = header[7:].strip()
    elif request.query_string:
        token = request.query.get("qstash_token")
    if not token:
        raise ApiError(401, "missing authorization: send 'Authorization: Bearer <QSTASH_TOKEN>'")
    account = accounts.get(token)
    if account is None:
        raise ApiError(401, "invalid token: use a token printed by 'qstash dev'")
    return account


def _split_raw(raw: str, prefix_length: int) -> tuple[str, list[tuple[str, str]]]:
    """The raw destination after a path prefix, and the ``upstash-*`` query options.

    The destination keeps its own query string, minus ``qstash_token`` and ``upstash-*``
    parameters, which configure QStash.
    """
    rest = raw[prefix_length:]
    path, sep, query = rest.partition("?")
    if not sep:
        return path, []
    kept: list[str] = []
    options: list[tuple[str, str]] = []
    for part in query.split("&"):
        name, _, value = part.partition("=")
        key = unquote_plus(name)
        lower = key.lower()
        if lower == "qstash_token":
            continue
        if lower.startswith("upstash-"):
            options.append((key, unquote_plus(value)))
            continue
        kept.append(part)
    return (path + "?" + "&".join(kept)) if kept else path, options


def _pairs(request: web.Request, query_options: list[tuple[str, str]]) -> Iterable[tuple[str, str]]:
    if not query_options:
        return request.headers.items()
    return [*request.headers.items(), *query_options]


def _caller(request: web.Request) -> str | None:
    return request.remote


async def _json_body(request: web.Request) -> Any:
    data = await request.read()
    if not data.strip():
        return None
    try:
        return json.loads(data)
    except ValueError:
        raise ApiError(400, "the request body is not valid JSON") from None


def _count(request: web.Request, default: int | None, maximum: int | None) -> int | None:
    text = request.query.get("count")
    if text is None or text == "":
        return default
    if not text.isdigit() or int(text) < 1:
        raise ApiError(400, f"invalid count {text!r}: a positive integer")
    value = int(text)
    return min(value, maximum) if maximum is not None else value


def _cursor(request: web.Request) -> int | None:
    text = request.query.get("cursor")
    if not text:
        return None
    if not text.isdigit():
        raise ApiError(400, f"invalid cursor {text!r}")
    return int(text)


def _filter(request: web.Request, body: Any = None) -> Filter:
    query: dict[str, list[str]] = {}
    for name, value in request.query.items():
        if name not in ("count", "cursor", "qstash_token"):
            query.setdefault(name, []).append(value)
    try:
        return Filter.parse(query, body if isinstance(body, dict) else None)
    except ValueError:
        raise ApiError(400, "fromDate and toDate must be unix milliseconds") from None


def _name(value: object, what: str) -> str:
    if not isinstance(value, str) or not valid_name(value):
        raise ApiError(400, f"invalid {what} {value!r}: use letters, digits, '-', '_' and '.'")
    return value


class Api:
    """The route handlers, bound to one engine and its accounts."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # ------------------------------------------------------------ publishing

    async def publish(self, request: web.Request) -> web.Response:
        """``POST /v2/publish/{destination}``."""
        account = _account(request)
        destination, options = _split_raw(request.raw_path, len("/v2/publish/"))
        return await self._publish(request, account, destination, options, None)

    async def enqueue(self, request: web.Request) -> web.Response:
        """``POST /v2/enqueue/{queue}/{destination}``."""
        account = _account(request)
        queue = _name(request.match_info["queue"], "queue name")
        prefix = len("/v2/enqueue/") + len(request.raw_path[12:].split("/", 1)[0]) + 1
        destination, options = _split_raw(request.raw_path, prefix)
        return await self._publish(request, account, destination, options, queue)

    async def _publish(
        self,
        request: web.Request,
        account: Account,
        destination: str,
        options: list[tuple[str, str]],
        queue: str | None,
    ) -> web.Response:
        body = await request.read()
        draft, _ = parse_draft(
            _pairs(request, options), body, destination, queue=queue, token=account.token
        )
        status, answer = self.engine.publish(account, draft, _caller(request))
        await _durable(self.engine)
        return _json(answer, status)

    async def batch(self, request: web.Request) -> web.Response:
        """``POST /v2/batch``: one result per item; a bad item answers an error entry."""
        account = _account(request)
        items = await _json_body(request)
        if not isinstance(items, list):
            raise ApiError(400, "the batch body must be a JSON array of messages")
        results: list[Any] = []
        for index, item in enumerate(items):
            try:
                if not isinstance(item, dict) or not isinstance(item.get("destination"), str):
                    raise ApiError(400, f"batch item {index} needs a string 'destination'")
                headers = item.get("headers") or {}
                if not isinstance(headers, dict):
                    raise ApiError(400, f"batch item {index}: 'headers' must be an object")
                body = item.get("body")
                raw = b"" if body is None else str(body).encode()
                queue = item.get("queue")
                if queue is not None:
                    queue = _name(queue, "queue name")
                draft, _ = parse_draft(
                    ((str(k), str(v)) for k, v in headers.items()),
                    raw,
                    item["destination"],
                    queue=queue,
                    token=account.token,
                )
                _, answer = self.engine.publish(account, draft, _caller(request))
            except ApiError as exc:
                if len(items) == 1:
                    raise
                results.append({"error": exc.message})
            else:
                results.append(answer)
        await _durable(self.engine)
        return _json(results)

    # ------------------------------------------------------------ messages

    def _message(self, account: Account, message_id: str) -> Message:
        msg = account.messages.get(message_id)
        if msg is None:
            raise ApiError(404, f"message {message_id} not found")
        return msg

    async def get_message(self, request: web.Request) -> web.Response:
        """``GET /v2/messages/{id}``."""
        account = _account(request)
        return _json(message_view(self._message(account, request.match_info["id"]).spec))

    async def cancel_message(self, request: web.Request) -> web.Response:
        """``DELETE /v2/messages/{id}``."""
        account = _account(request)
        self.engine.cancel(self._message(account, request.match_info["id"]))
        await _durable(self.engine)
        return _json({"cancelled": 1})

    async def cancel_messages(self, request: web.Request) -> web.Response:
        """``DELETE /v2/messages``: by ids (JSON body or query), by filters, or all."""
        account = _account(request)
        body = await _json_body(request)
        selection = _filter(request, body)
        limit = _count(request, None, None)
        chosen: list[Message] = []
        for msg in account.messages.values():
            if msg.cancel_requested:
                continue
            if selection.matches(msg.spec, msg.spec.created_ms):
                chosen.append(msg)
                if limit is not None and len(chosen) >= limit:
                    break
        for msg in chosen:
            self.engine.cancel(msg)
        await _durable(self.engine)
        return _json({"cancelled": len(chosen)})

    # ------------------------------------------------------------ queues

    def _queue(self, account: Account, name: str) -> Queue:
        queue = account.queues.get(name)
        if queue is None:
            raise ApiError(404, f"queue {name} not found")
        return queue

    async def upsert_queue(self, request: web.Request) -> web.Response:
        """``POST /v2/queues`` with ``{queueName, parallelism, paused}``."""
        account = _account(request)
        data = await _json_body(request)
        if not isinstance(data, dict):
            raise ApiError(400, "the body must be {queueName, parallelism, paused}")
        name = _name(data.get("queueName"), "queueName")
        parallelism = data.get("parallelism", 1)
        if parallelism is None:
            parallelism = 1
        if type(parallelism) is not int or parallelism < 1:
            raise ApiError(400, "parallelism must be a positive integer")
        quota = self.engine.config.quota
        if parallelism > quota.max_queue_parallelism:
            raise ApiError(
                412, f"queue parallelism limit is {quota.max_queue_parallelism} on this plan"
            )
        paused = bool(data.get("paused", False))
        queue = account.queues.get(name)
        now = self.engine.clock.now_ms()
        if queue is None:
            if len(account.queues) >= quota.max_queues:
                raise ApiError(412, f"queue limit reached: at most {quota.max_queues} queues")
            queue = Queue(name, parallelism, paused, now, now)
            account.queues[name] = queue
        else:
            queue.parallelism, queue.paused, queue.updated_ms = parallelism, paused, now
        self.engine.journal.put(account, "queue", name, queue)
        self.engine.pump_queue(account, name)
        await _durable(self.engine)
        return _empty()

    async def list_queues(self, request: web.Request) -> web.Response:
        """``GET /v2/queues``."""
        account = _account(request)
        return _json([queue_view(q) for q in account.queues.values()])

    async def get_queue(self, request: web.Request) -> web.Response:
        """``GET /v2/queues/{name}``."""
        account = _account(request)
        return _json(queue_view(self._queue(account, request.match_info["name"])))

    async def delete_queue(self, request: web.Request) -> web.Response:
        """``DELETE /v2/queues/{name}``: the queue and its pending messages."""
        account = _account(request)
        name = request.match_info["name"]
        if account.queues.pop(name, None) is not None:
            for msg in [m for m in account.messages.values() if m.spec.queue_name == name]:
                self.engine.cancel(msg)
            self.engine.journal.delete(account, "queue", name)
        await _durable(self.engine)
        return _empty()

    async def queue_action(self, request: web.Request) -> web.Response:
        """``POST|PATCH /v2/queues/{name}/pause|resume``."""
        account = _account(request)
        queue = self._queue(account, request.match_info["name"])
        action = request.match_info["action"]
        if action not in ("pause", "resume"):
            raise ApiError(404, f"unknown queue action {action!r}")
        queue.paused = action == "pause"
        queue.updated_ms = self.engine.clock.now_ms()
        self.engine.journal.put(account, "queue", queue.name, queue)
        self.engine.pump_queue(account, queue.name)
        await _durable(self.engine)
        return _empty()

    # ------------------------------------------------------------ schedules

    async def create_schedule(self, request: web.Request) -> web.Response:
        """``POST /v2/schedules/{destination}`` (also ``POST .../{id}/pause|resume``)."""
        account = _account(request)
        destination, options = _split_raw(request.raw_path, len("/v2/schedules/"))
        head, sep, action = destination.partition("/")
        if sep and action in ("pause", "resume") and head in account.schedules:
            return await self._schedule_action(account, head, action)
        body = await request.read()
        draft, extra = parse_draft(_pairs(request, options), body, destination, token=account.token)
        schedule_request = parse_schedule(extra)
        queue = extra.get("queue-name")
        if queue:
            draft = replace(draft, queue_name=_name(queue.strip(), "Upstash-Queue-Name"))
        if not draft.is_url and draft.destination not in account.groups:
            raise ApiError(404, f"url group {draft.destination} not found")
        schedule_id = schedule_request.schedule_id or self.engine.new_id("scd_")
        self.engine.upsert_schedule(
            account, schedule_id, schedule_request.cron, draft, _caller(request)
        )
        await _durable(self.engine)
        return _json({"scheduleId": schedule_id})

    async def list_schedules(self, request: web.Request) -> web.Response:
        """``GET /v2/schedules``."""
        account = _account(request)
        return _json([schedule_view(s) for s in account.schedules.values()])

    async def get_schedule(self, request: web.Request) -> web.Response:
        """``GET /v2/schedules/{id}``."""
        account = _account(request)
        schedule = account.schedules.get(request.match_info["id"])
        if schedule is None:
            raise ApiError(404, f"schedule {request.match_info['id']} not found")
        return _json(schedule_view(schedule))

    async def delete_schedule(self, request: web.Request) -> web.Response:
        """``DELETE /v2/schedules/{id}`` (deleting a missing schedule is not an error)."""
        account = _account(request)
        schedule_id = request.match_info["id"]
        if account.schedules.pop(schedule_id, None) is not None:
            self.engine.journal.delete(account, "sched", schedule_id)
        await _durable(self.engine)
        return _empty()

    async def schedule_action(self, request: web.Request) -> web.Response:
        """``PATCH|POST /v2/schedules/{id}/pause|resume``."""
        account = _account(request)
        return await self._schedule_action(
            account, request.match_info["id"], request.match_info["action"]
        )

    async def _schedule_action(
        self, account: Account, schedule_id: str, action: str
    ) -> web.Response:
        schedule = account.schedules.get(schedule_id)
        if schedule is None:
            raise ApiError(404, f"schedule {schedule_id} not found")
        if action not in ("pause", "resume"):
            raise ApiError(404, f"unknown schedule action {action!r}")
        paused = action == "pause"
        if schedule.paused != paused:
            schedule.paused = paused
            if not paused:
                self.engine.arm_schedule(account, schedule, self.engine.clock.now_ms())
            self.engine.journal.put(account, "sched", schedule_id, schedule)
        await _durable(self.engine)
        return _empty()

    # ------------------------------------------------------------ URL groups

    def _group(self, account: Account, name: str) -> UrlGroup:
        group = account.groups.get(name)
        if group is None:
            raise ApiError(404, f"url group {name} not found")
        return group

    async def list_groups(self, request: web.Request) -> web.Response:
        """``GET /v2/topics``."""
        account = _account(request)
        return _json([group_view(g) for g in account.groups.values()])

    async def get_group(self, request: web.Request) -> web.Response:
        """``GET /v2/topics/{name}``."""
        account = _account(request)
        return _json(group_view(self._group(account, request.match_info["name"])))

    async def delete_group(self, request: web.Request) -> web.Response:
        """``DELETE /v2/topics/{name}`` (deleting a missing group is not an error)."""
        account = _account(request)
        name = request.match_info["name"]
        if account.groups.pop(name, None) is not None:
            self.engine.journal.delete(account, "group", name)
        await _durable(self.engine)
        return _empty()

    async def patch_group(self, request: web.Request) -> web.Response:
        """``PATCH /v2/topics/{name}`` with ``{"headers": {...}}``: default forwarded headers."""
        account = _account(request)
        group = self._group(account, request.match_info["name"])
        data = await _json_body(request)
        headers = data.get("headers") if isinstance(data, dict) else None
        if not isinstance(headers, dict):
            raise ApiError(400, 'the body must be {"headers": {"Name": "value"}}')
        pairs: list[tuple[str, str]] = []
        for name, value in headers.items():
            key = str(name)
            if key.lower().startswith("upstash-forward-"):
                key = key[16:]
            values = value if isinstance(value, list) else [value]
            pairs.extend((key, str(v)) for v in values)
        group.headers = tuple(pairs)
        group.updated_ms = self.engine.clock.now_ms()
        self.engine.journal.put(account, "group", group.name, group)
        await _durable(self.engine)
        return _empty()

    def _endpoints(self, data: Any) -> list[dict[str, Any]]:
        endpoints = data.get("endpoints") if isinstance(data, dict) else None
        if not isinstance(endpoints, list) or not all(isinstance(e, dict) for e in endpoints):
            raise ApiError(400, 'the body must be {"endpoints": [{"url": ..., "name": ...}]}')
        return endpoints

    async def add_endpoints(self, request: web.Request) -> web.Response:
        """``POST /v2/topics/{name}/endpoints``: creates the group when missing."""
        account = _account(request)
        name = _name(request.match_info["name"], "url group name")
        endpoints = self._endpoints(await _json_body(request))
        parsed = []
        for item in endpoints:
            url = item.get("url")
            if not isinstance(url, str) or not is_http_url(url):
                raise ApiError(400, f"invalid endpoint url {url!r}: add http:// or https://")
            endpoint_name = item.get("name")
            if endpoint_name is not None:
                endpoint_name = _name(endpoint_name, "endpoint name")
            parsed.append(Endpoint(url, endpoint_name or None))
        now = self.engine.clock.now_ms()
        group = account.groups.get(name)
        if group is None:
            limit = self.engine.config.quota.max_url_groups
            if len(account.groups) >= limit:
                raise ApiError(412, f"url group limit reached: at most {limit}")
            group = UrlGroup(name, now, now)
            account.groups[name] = group
        for endpoint in parsed:
            group.endpoints = [
                e
                for e in group.endpoints
                if e.url != endpoint.url and (endpoint.name is None or e.name != endpoint.name)
            ]
            group.endpoints.append(endpoint)
        group.updated_ms = now
        self.engine.journal.put(account, "group", name, group)
        await _durable(self.engine)
        return _empty()

    async def remove_endpoints(self, request: web.Request) -> web.Response:
        """``DELETE /v2/topics/{name}/endpoints``: removing the last one deletes the group."""
        account = _account(request)
        group = self._group(account, request.match_info["name"])
        for item in self._endpoints(await _json_body(request)):
            url, name = item.get("url"), item.get("name")
            if not url and not name:
                raise ApiError(400, "each endpoint to remove needs a url or a name")
            group.endpoints = [
                e
                for e in group.endpoints
                if not ((url and e.url == url) or (name and e.name == name))
            ]
        if group.endpoints:
            group.updated_ms = self.engine.clock.now_ms()
            self.engine.journal.put(account, "group", group.name, group)
        else:
            del account.groups[group.name]
            self.engine.journal.delete(account, "group", group.name)
        await _durable(self.engine)
        return _empty()

    # ------------------------------------------------------------ DLQ

    def _dlq_page(
        self,
        account: Account,
        request: web.Request,
        body: Any,
        default: int | None,
        maximum: int | None,
    ) -> tuple[list[DlqEntry], str | None]:
        self.engine.purge_dlq(account)
        selection = _filter(request, body)
        count = _count(request, default, maximum)
        cursor = _cursor(request)
        chosen: list[DlqEntry] = []
        more = False
        for entry in reversed(account.dlq.values()):
            if cursor is not None and entry.order >= cursor:
                continue
            if not selection.matches(
                entry.spec,
                entry.failed_ms,
                response_status=entry.response_status,
                dlq_id=entry.dlq_id,
            ):
                continue
            if count is not None and len(chosen) >= count:
                more = True
                break
            chosen.append(entry)
        next_cursor = str(chosen[-1].order) if more and chosen else None
        return chosen, next_cursor

    async def list_dlq(self, request: web.Request) -> web.Response:
        """``GET /v2/dlq``: newest first, filters, cursor."""
        account = _account(request)
        entries, cursor = self._dlq_page(account, request, None, 100, 1000)
        answer: dict[str, Any] = {"messages": [dlq_view(e) for e in entries]}
        if cursor is not None:
            answer["cursor"] = cursor
        return _json(answer)

    def _dlq_entry(self, account: Account, dlq_id: str) -> DlqEntry:
        self.engine.purge_dlq(account)
        entry = account.dlq.get(dlq_id)
        if entry is None:
            raise ApiError(404, f"dlq message {dlq_id} not found")
        return entry

    async def get_dlq(self, request: web.Request) -> web.Response:
        """``GET /v2/dlq/{id}``."""
        account = _account(request)
        return _json(dlq_view(self._dlq_entry(account, request.match_info["id"])))

    async def delete_dlq(self, request: web.Request) -> web.Response:
        """``DELETE /v2/dlq/{id}``."""
        account = _account(request)
        entry = self._dlq_entry(account, request.match_info["id"])
        del account.dlq[entry.dlq_id]
        self.engine.journal.delete(account, "dlq", entry.dlq_id)
        await _durable(self.engine)
        return _empty()

    async def delete_dlq_many(self, request: web.Request) -> web.Response:
        """``DELETE /v2/dlq``: by ids (JSON body or query), by filters, or all; paged."""
        account = _account(request)
        entries, cursor = self._dlq_page(account, request, await _json_body(request), None, None)
        for entry in entries:
            del account.dlq[entry.dlq_id]
            self.engine.journal.delete(account, "dlq", entry.dlq_id)
        await _durable(self.engine)
        answer: dict[str, Any] = {"deleted": len(entries)}
        if cursor is not None:
            answer["cursor"] = cursor
        return _json(answer)

    def _retry(self, account: Account, entry: DlqEntry, request: web.Request) -> dict[str, Any]:
        overrides = parse_overrides(request.headers.items())
        del account.dlq[entry.dlq_id]
        self.engine.journal.delete(account, "dlq", entry.dlq_id)
        msg = self.engine.republish(account, entry.spec, **overrides)
        return {"messageId": msg.spec.message_id, "url": msg.spec.url}

    async def retry_dlq(self, request: web.Request) -> web.Response:
        """``POST /v2/dlq/retry/{id}``: a new message; ``Upstash-*`` headers override."""
        account = _account(request)
        answer = self._retry(account, self._dlq_entry(account, request.match_info["id"]), request)
        await _durable(self.engine)
        return _json(answer, 201)

    async def retry_dlq_many(self, request: web.Request) -> web.Response:
        """``POST /v2/dlq/retry``: by ids, filters or all; paged with ``cursor``."""
        account = _account(request)
        entries, cursor = self._dlq_page(account, request, await _json_body(request), None, None)
        responses = [self._retry(account, entry, request) for entry in entries]
        await _durable(self.engine)
        return _json({"cursor": cursor or "", "responses": responses}, 201)

    # ------------------------------------------------------------ logs

    def _logs(self, request: web.Request) -> tuple[list[dict[str, Any]], str | None]:
        account = _account(request)
        selection = _filter(request)
        count = _count(request, 100, 1000)
        assert count is not None
        cursor = _cursor(request)
        chosen: list[LogEntry] = []
        more = False
        for entry in reversed(account.logs):
            if cursor is not None and entry.seq >= cursor:
                continue
            if not selection.matches(entry.spec, entry.time_ms, state=entry.state.value):
                continue
            if len(chosen) >= count:
                more = True
                break
            chosen.append(entry)
        cursor_out = str(chosen[-1].seq) if more and chosen else None
        return [log_view(e) for e in chosen], cursor_out

    async def list_events(self, request: web.Request) -> web.Response:
        """``GET /v2/events`` (what the SDKs call): ``{cursor?, events}``."""
        entries, cursor = self._logs(request)
        answer: dict[str, Any] = {"events": entries}
        if cursor is not None:
            answer["cursor"] = cursor
        return _json(answer)

    async def list_logs(self, request: web.Request) -> web.Response:
        """``GET /v2/logs`` (the API reference): ``{cursor?, logs}``."""
        entries, cursor = self._logs(request)
        answer: dict[str, Any] = {"logs": entries}
        if cursor is not None:
            answer["cursor"] = cursor
        return _json(answer)

    # ------------------------------------------------------------ keys

    async def get_keys(self, request: web.Request) -> web.Response:
        """``GET /v2/keys``."""
        account = _account(request)
        return _json({"current": account.current_key, "next": account.next_key})

    async def rotate_keys(self, request: web.Request) -> web.Response:
        """``POST /v2/keys/rotate``: next becomes current; a new next key."""
        account = _account(request)
        account.current_key = account.next_key
        account.next_key = "sig_" + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(28))
        self.engine.journal.put(account, "keys", "keys", _Keys(account))
        await _durable(self.engine)
        return _json({"current": account.current_key, "next": account.next_key})

    # ------------------------------------------------------------ flow control

    def _flow(self, account: Account, key: str) -> Any:
        state = account.flows.get(key)
        if state is None:
            raise ApiError(404, f"flow control key {key} not found")
        return state

    async def list_flows(self, request: web.Request) -> web.Response:
        """``GET /v2/flowControl?search=``."""
        account = _account(request)
        search = request.query.get("search", "")
        return _json([flow_view(s) for k, s in account.flows.items() if search in k])

    async def get_flow(self, request: web.Request) -> web.Response:
        """``GET /v2/flowControl/{key}``."""
        account = _account(request)
        return _json(flow_view(self._flow(account, request.match_info["key"])))

    async def flow_action(self, request: web.Request) -> web.Response:
        """``POST /v2/flowControl/{key}/pause|resume|pin|unpin|resetRate``."""
        account = _account(request)
        key = request.match_info["key"]
        action = request.match_info["action"]
        state = self._flow(account, key)
        now = self.engine.clock.now_ms()
        query = request.query
        if action == "pause":
            state.paused = True
        elif action == "resume":
            state.paused = False
        elif action in ("resetRate", "reset"):
            state.rate_count = 0
            state.period_start_ms = now
        elif action == "pin":
            parallelism = _query_int(query, "parallelism")
            rate = _query_int(query, "rate")
            period = _query_int(query, "period")
            if parallelism is not None:
                state.parallelism = parallelism
                state.pinned_parallelism = True
            if rate is not None or period is not None:
                if rate is not None:
                    state.rate = rate
                if period is not None:
                    if period < 1:
                        raise ApiError(400, "period must be at least 1 second")
                    state.period_s = period
                state.pinned_rate = True
            state.rate_count = 0
            state.period_start_ms = now
        elif action == "unpin":
            if parse_bool(query.get("parallelism", "")):
                state.pinned_parallelism = False
            if parse_bool(query.get("rate", "")):
                state.pinned_rate = False
        else:
            raise ApiError(404, f"unknown flow control action {action!r}")
        self.engine.journal.put(account, "flow", key, state)
        self.engine.pump_flow(account, key)
        await _durable(self.engine)
        return _empty()

    async def global_parallelism(self, request: web.Request) -> web.Response:
        """``GET /v2/globalParallelism`` (zero values are omitted, like QStash)."""
        account = _account(request)
        answer: dict[str, int] = {}
        if account.inflight:
            answer["parallelismCount"] = account.inflight
        return _json(answer)

    # ------------------------------------------------------------ other

    async def chat(self, request: web.Request) -> web.Response:
        """``POST /llm/v1/chat/completions``: not available locally."""
        _account(request)
        raise ApiError(
            501,
            "the QStash dev server does not host LLM models; "
            "call the provider directly or publish to its API URL",
        )


def _query_int(query: Any, name: str) -> int | None:
    text = query.get(name)
    if text is None or text == "":
        return None
    if not str(text).isdigit():
        raise ApiError(400, f"{name} must be a non-negative integer")
    return int(text)


class _Keys:
    """The signing keys of an account, as a journal record."""

    __slots__ = ("_account",)

    def __init__(self, account: Account) -> None:
        self._account = account

    def record(self) -> str:
        return json.dumps([self._account.current_key, self._account.next_key])


@web.middleware
async def _errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as exc:
        return _error(exc.status, exc.message)
    except web.HTTPException as exc:
        if exc.status >= 400:
            return _error(exc.status, exc.reason or "error")
        raise
    except Exception:
        _log.exception("%s %s failed", request.method, request.path)
        return _error(500, "internal error of the dev server (see its log)")


def _routes(api: Api) -> Iterator[tuple[str, str, Handler]]:
    yield "POST", "/v2/publish/{tail:.+}", api.publish
    yield "POST", "/v2/enqueue/{queue}/{tail:.+}", api.enqueue
    yield "POST", "/v2/batch", api.batch
    yield "GET", "/v2/messages/{id}", api.get_message
    yield "DELETE", "/v2/messages/{id}", api.cancel_message
    yield "DELETE", "/v2/messages", api.cancel_messages
    yield "POST", "/v2/queues", api.upsert_queue
    yield "GET", "/v2/queues", api.list_queues
    yield "GET", "/v2/queues/{name}", api.get_queue
    yield "DELETE", "/v2/queues/{name}", api.delete_queue
    yield "POST", "/v2/queues/{name}/{action}", api.queue_action
    yield "PATCH", "/v2/queues/{name}/{action}", api.queue_action
    yield "POST", "/v2/schedules/{tail:.+}", api.create_schedule
    yield "GET", "/v2/schedules", api.list_schedules
    yield "GET", "/v2/schedules/{id}", api.get_schedule
    yield "DELETE", "/v2/schedules/{id}", api.delete_schedule
    yield "PATCH", "/v2/schedules/{id}/{action}", api.schedule_action
    yield "GET", "/v2/topics", api.list_groups
    yield "GET", "/v2/topics/{name}", api.get_group
    yield "DELETE", "/v2/topics/{name}", api.delete_group
    yield "PATCH", "/v2/topics/{name}", api.patch_group
    yield "POST", "/v2/topics/{name}/endpoints", api.add_endpoints
    yield "DELETE", "/v2/topics/{name}/endpoints", api.remove_endpoints
    yield "GET", "/v2/dlq", api.list_dlq
    yield "DELETE", "/v2/dlq", api.delete_dlq_many
    yield "POST", "/v2/dlq/retry", api.retry_dlq_many
    yield "POST", "/v2/dlq/retry/{id}", api.retry_dlq
    yield "GET", "/v2/dlq/{id}", api.get_dlq
    yield "DELETE", "/v2/dlq/{id}", api.delete_dlq
    yield "GET", "/v2/events", api.list_events
    yield "GET", "/v2/logs", api.list_logs
    yield "GET", "/v2/keys", api.get_keys
    yield "POST", "/v2/keys/rotate", api.rotate_keys
    yield "GET", "/v2/flowControl", api.list_flows
    yield "GET", "/v2/flowControl/{key}", api.get_flow
    yield "POST", "/v2/flowControl/{key}/{action}", api.flow_action
    yield "GET", "/v2/globalParallelism", api.global_parallelism
    yield "POST", "/llm/v1/chat/completions", api.chat


def build_app(engine: Engine, accounts: dict[str, Account], *, max_body: int) -> web.Application:
    """The aiohttp application serving the QStash API for ``accounts`` (by token)."""
    app = web.Application(middlewares=[_errors], client_max_size=max_body)
    app[_ACCOUNT] = accounts
    api = Api(engine)
    for method, path, handler in _routes(api):
        app.router.add_route(method, path, handler)
    return app


def keys_record(account: Account) -> _Keys:
    """The journal record of an account's signing keys."""
    return _Keys(account)
