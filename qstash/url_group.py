"""URL groups: one publish, one message per endpoint of the group.

``client.url_group`` is a :class:`UrlGroupApi` (sync) or :class:`AsyncUrlGroupApi` (async).
Publish to a group with ``client.message.publish(url_group=...)``. Group names use letters,
digits, ``-``, ``_`` and ``.`` (QStash's wire calls groups "topics").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Required, TypedDict

from qstash import _values
from qstash._lazy import api_classes
from qstash._parse import expect, opt
from qstash.errors import InvalidArgumentError

if TYPE_CHECKING:
    import qstash_openapi.models as om
    from qstash._async.url_group import AsyncUrlGroupApi
    from qstash._sync.url_group import UrlGroupApi

__all__ = [
    "AsyncUrlGroupApi",
    "Endpoint",
    "RemoveEndpointRequest",
    "UpsertEndpointRequest",
    "UrlGroup",
    "UrlGroupApi",
]


class UpsertEndpointRequest(TypedDict, total=False):
    """An endpoint to add to a URL group (or update, matched by URL)."""

    url: Required[str]
    """The endpoint's absolute http(s) URL."""
    name: str | None
    """An optional name, usable to remove the endpoint later."""


class RemoveEndpointRequest(TypedDict, total=False):
    """An endpoint to remove from a URL group: give its ``url``, its ``name``, or both."""

    url: str | None
    name: str | None


@dataclass(frozen=True, slots=True)
class Endpoint:
    """An endpoint of a URL group."""

    url: str
    name: str | None = None


@dataclass(frozen=True, slots=True)
class UrlGroup:
    """A URL group and its endpoints. Times are unix milliseconds."""

    name: str
    created_at: int | None = None
    updated_at: int | None = None
    endpoints: list[Endpoint] = field(default_factory=list)


def parse_url_group(parsed: Any) -> UrlGroup:
    """A generated ``UrlGroup`` (``getUrlGroup``, ``listUrlGroups``) as a :class:`UrlGroup`."""
    from qstash_openapi.models import UrlGroup as UrlGroupModel

    model = expect(parsed, UrlGroupModel)
    endpoints: list[om.Endpoint] = opt(model.endpoints) or []
    return UrlGroup(
        name=model.name,
        created_at=opt(model.created_at),
        updated_at=opt(model.updated_at),
        endpoints=[Endpoint(item.url, opt(item.name)) for item in endpoints],
    )


def parse_url_groups(parsed: Any) -> list[UrlGroup]:
    """The generated list of ``listUrlGroups`` as :class:`UrlGroup` objects."""
    return [parse_url_group(item) for item in expect(parsed, list)]


_KEYS = ("url", "name")


def _endpoints(endpoints: object) -> Sequence[Mapping[str, object]]:
    if isinstance(endpoints, str | bytes | Mapping) or not isinstance(endpoints, Sequence):
        raise InvalidArgumentError(
            "endpoints must be a list of dicts like {'url': 'https://...', 'name': 'a'}, got "
            f"{type(endpoints).__name__}",
            argument="endpoints",
        )
    if not endpoints:
        raise InvalidArgumentError("endpoints must not be empty", argument="endpoints")
    for index, endpoint in enumerate(endpoints):
        where = f"endpoints[{index}]"
        if not isinstance(endpoint, Mapping):
            raise InvalidArgumentError(
                f"{where} must be a dict with 'url' and/or 'name', got {type(endpoint).__name__}",
                argument=where,
            )
        for key in endpoint:
            if key not in _KEYS:
                raise InvalidArgumentError(
                    f"{where} has an unknown key {key!r}; an endpoint has 'url' and 'name'",
                    argument=f"{where}.{key}",
                )
    return endpoints


def _name(endpoint: Mapping[str, object], where: str) -> str | None:
    name = endpoint.get("name")
    return None if name is None else _values.non_empty(name, f"{where}.name")


def upsert_body(endpoints: object) -> om.UpsertEndpointsRequest:
    """The checked body of ``upsertUrlGroupEndpoints``: every endpoint needs a ``url``."""
    from qstash_openapi.models import Endpoint as EndpointModel
    from qstash_openapi.models import UpsertEndpointsRequest
    from qstash_openapi.types import UNSET

    models = []
    for index, endpoint in enumerate(_endpoints(endpoints)):
        where = f"endpoints[{index}]"
        if endpoint.get("url") is None:
            raise InvalidArgumentError(
                f"{where} needs a 'url' (the name alone cannot create an endpoint)",
                argument=f"{where}.url",
            )
        url = _values.http_url(endpoint["url"], f"{where}.url")
        name = _name(endpoint, where)
        models.append(EndpointModel(url=url, name=UNSET if name is None else name))
    return UpsertEndpointsRequest(endpoints=models)


def remove_body(endpoints: object) -> om.RemoveEndpointsRequest:
    """The checked body of ``removeUrlGroupEndpoints``: each endpoint by ``url`` or ``name``."""
    from qstash_openapi.models import EndpointSelector, RemoveEndpointsRequest
    from qstash_openapi.types import UNSET

    models = []
    for index, endpoint in enumerate(_endpoints(endpoints)):
        where = f"endpoints[{index}]"
        url = endpoint.get("url")
        name = _name(endpoint, where)
        if url is None and name is None:
            raise InvalidArgumentError(
                f"{where} needs a 'url' or a 'name' to select the endpoint to remove",
                argument=where,
            )
        models.append(
            EndpointSelector(
                url=UNSET if url is None else _values.non_empty(url, f"{where}.url"),
                name=UNSET if name is None else name,
            )
        )
    return RemoveEndpointsRequest(endpoints=models)


__getattr__ = api_classes("url_group", "UrlGroupApi")
