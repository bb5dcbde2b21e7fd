"""Where a client's base URL and token come from: arguments, then the environment.

All environment reading happens here, when a client is made (never at import time).
Order, first match wins:

1. explicit ``token=`` / ``base_url=`` arguments;
2. dev mode (``QSTASH_DEV`` true/1): the local dev server on ``127.0.0.1:$QSTASH_DEV_PORT``
   (default 8080) with its public dev token;
3. multi-region: ``QSTASH_REGION`` (``EU_CENTRAL_1`` / ``US_EAST_1``, dashes allowed) selects
   ``{REGION}_QSTASH_URL`` and ``{REGION}_QSTASH_TOKEN`` when both are set;
4. ``QSTASH_URL`` / ``QSTASH_TOKEN``;
5. the default base URL ``https://qstash.upstash.io``.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from qstash.errors import InvalidArgumentError

DEFAULT_BASE_URL = "https://qstash.upstash.io"
REGIONS = ("EU_CENTRAL_1", "US_EAST_1")

# The official local dev server's default user. Public, deterministic, not secrets: printed by
# the dev server at start and hard-coded in the official SDKs' dev modes.
DEV_TOKEN = "eyJVc2VySUQiOiJkZWZhdWx0VXNlciIsIlBhc3N3b3JkIjoiZGVmYXVsdFBhc3N3b3JkIn0="
DEV_CURRENT_SIGNING_KEY = "sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r"
DEV_NEXT_SIGNING_KEY = "sig_5ZB6DVzB1wjE8S6rZ7eenA8Pdnhs"
DEV_PORT = 8080

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"", "0", "false", "no", "off"})


@dataclass(frozen=True, slots=True)
class ClientSettings:
    """The resolved base URL and token of a client. The token never shows in a repr."""

    base_url: str
    token: str = field(repr=False)


def dev_mode(environ: Mapping[str, str]) -> bool:
    """Whether ``QSTASH_DEV`` asks for the local dev server."""
    value = environ.get("QSTASH_DEV", "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise InvalidArgumentError(
        f"QSTASH_DEV must be true/1 or false/0, not {value!r}", argument="QSTASH_DEV"
    )


def dev_base_url(environ: Mapping[str, str]) -> str:
    """``http://127.0.0.1:<QSTASH_DEV_PORT or 8080>``."""
    port = environ.get("QSTASH_DEV_PORT", "").strip() or str(DEV_PORT)
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise InvalidArgumentError(
            f"QSTASH_DEV_PORT must be a port number, not {port!r}", argument="QSTASH_DEV_PORT"
        )
    return f"http://127.0.0.1:{port}"


def region(environ: Mapping[str, str]) -> str | None:
    """The normalised ``QSTASH_REGION`` (``US-EAST-1`` → ``US_EAST_1``), or None when unset."""
    value = environ.get("QSTASH_REGION", "").strip()
    if not value:
        return None
    name = value.upper().replace("-", "_")
    if name not in REGIONS:
        raise InvalidArgumentError(
            f"QSTASH_REGION must be one of {', '.join(REGIONS)}, not {value!r}",
            argument="QSTASH_REGION",
        )
    return name


def _region_configured(environ: Mapping[str, str]) -> bool:
    name = region(environ)
    return bool(name and environ.get(f"{name}_QSTASH_URL") and environ.get(f"{name}_QSTASH_TOKEN"))


def check_timeout(value: object) -> float | None:
    """``value`` if it is a usable HTTP timeout in seconds: ``None`` (no timeout) or a finite
    number ≥ 0. (An ``httpx.Timeout`` is accepted by the client before this check.)"""
    if value is None:
        return None
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value >= 0
    ):
        return float(value)
    raise InvalidArgumentError(
        f"timeout must be seconds (a finite number >= 0), an httpx.Timeout or None, got {value!r}",
        argument="timeout",
    )


def normalize_base_url(url: str) -> str:
    """Strip trailing slashes and a mistaken ``/v2/publish`` suffix; require http(s)."""
    url = url.strip().rstrip("/")
    if url.endswith("/v2/publish"):
        url = url.removesuffix("/v2/publish")
    if not url.startswith(("https://", "http://")) or len(url.split("://", 1)[1]) == 0:
        raise InvalidArgumentError(
            f"base_url must be an http(s) URL such as {DEFAULT_BASE_URL}, not {url!r}",
            argument="base_url",
        )
    return url


def resolve_client_settings(
    token: str | None,
    base_url: str | None,
    environ: Mapping[str, str] | None = None,
) -> ClientSettings:
    """Resolve the base URL and token as the module docstring describes."""
    env = os.environ if environ is None else environ
    if token is not None:
        token = _token(token)

    env_url: str | None
    env_token: str | None
    if dev_mode(env):
        env_url, env_token = dev_base_url(env), DEV_TOKEN
    elif _region_configured(env):
        name = region(env)
        env_url, env_token = env[f"{name}_QSTASH_URL"], env[f"{name}_QSTASH_TOKEN"]
    else:
        env_url, env_token = env.get("QSTASH_URL") or None, env.get("QSTASH_TOKEN") or None

    resolved_token = token if token is not None else env_token
    if not resolved_token:
        raise InvalidArgumentError(
            "no QStash token: pass token=... or set QSTASH_TOKEN "
            "(or QSTASH_DEV=1 for the local dev server)",
            argument="token",
        )
    url = base_url if base_url is not None else (env_url or DEFAULT_BASE_URL)
    return ClientSettings(normalize_base_url(url), _token(resolved_token))


def _token(value: object) -> str:
    # A token travels in a header: refuse what cannot (non-strings, control characters,
    # non-ASCII) before any I/O, with a message that never repeats the value.
    from qstash._values import header_text  # here: keeps `import qstash` light

    if isinstance(value, str):
        value = value.strip()
    return header_text(value, "token")
