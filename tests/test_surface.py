"""The sync and async surfaces are the same: names, parameters, defaults, annotations."""

from __future__ import annotations

import importlib
import inspect
from functools import cached_property
from typing import Any

import pytest

from qstash import AsyncQStash, QStash

# Methods whose names differ by design between the two flavours.
_RENAMED = {"aclose": "close", "__aenter__": "__enter__", "__aexit__": "__exit__"}


def _members(cls: type) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for klass in reversed(cls.__mro__[:-1]):
        for name, value in vars(klass).items():
            if name.startswith("_") and name not in _RENAMED.values() | _RENAMED.keys():
                continue
            found[_RENAMED.get(name, name)] = value
    return found


def _signature(value: Any) -> str:
    function = value.func if isinstance(value, cached_property) else value
    if isinstance(function, property):
        function = function.fget
    if not callable(function):
        return repr(value)
    text = str(inspect.signature(function))
    return text.replace("Async", "").replace("async_", "")


def _pairs() -> list[tuple[type, type]]:
    """(sync, async) class pairs: the clients and every resource they expose."""
    pairs: list[tuple[type, type]] = [(QStash, AsyncQStash)]
    client = AsyncQStash("surface-token", base_url="https://qstash.test")
    for name, value in vars(AsyncQStash).items():
        if not isinstance(value, cached_property) or name == "openapi":
            continue
        async_cls = type(getattr(client, name))
        sync_module = importlib.import_module(async_cls.__module__.replace("_async", "_sync"))
        sync_cls = getattr(sync_module, async_cls.__name__.removeprefix("Async"))
        pairs.append((sync_cls, async_cls))
    return pairs


@pytest.mark.parametrize(("sync_cls", "async_cls"), _pairs())
def test_same_members_and_signatures(sync_cls: type, async_cls: type) -> None:
    sync_members = _members(sync_cls)
    async_members = _members(async_cls)
    assert sorted(sync_members) == sorted(async_members)
    for name, value in sync_members.items():
        assert _signature(value) == _signature(async_members[name]), name


@pytest.mark.parametrize(("sync_cls", "async_cls"), _pairs())
def test_async_methods_are_coroutines(sync_cls: type, async_cls: type) -> None:
    for name, value in _members(async_cls).items():
        if inspect.isasyncgenfunction(value):
            assert inspect.isgeneratorfunction(_members(sync_cls)[name]), name
        elif inspect.isfunction(value) and name not in {"__init__", "__repr__"}:
            assert inspect.iscoroutinefunction(value), name
            assert not inspect.iscoroutinefunction(_members(sync_cls)[name]), name


def test_every_public_method_has_a_docstring() -> None:
    for sync_cls, async_cls in _pairs():
        for cls in (sync_cls, async_cls):
            for name, value in _members(cls).items():
                if name.startswith("_"):
                    continue
                function = value.func if isinstance(value, cached_property) else value
                assert getattr(function, "__doc__", None), f"{cls.__name__}.{name}"
