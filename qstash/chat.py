"""LLM providers for publishing to an LLM API through QStash.

Pass a provider as ``api={"name": "llm", "provider": openai("sk-...")}`` to ``publish_json``,
``enqueue_json`` or a batch item: QStash then calls the provider's chat endpoint with the
message body and delivers the answer to your ``callback``. The provider key travels as a
forwarded header (``Upstash-Forward-Authorization`` and the like); it never appears in a
``repr`` or in an error message.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qstash import _values

__all__ = ["LlmProvider", "anthropic", "custom", "openai", "upstash"]

_CHAT_ROUTE = "/v1/chat/completions"


@dataclass(frozen=True, slots=True)
class LlmProvider:
    """Where and how QStash reaches an LLM API.

    Build one with :func:`openai`, :func:`anthropic`, :func:`custom` or :func:`upstash`
    rather than directly.

    ``name``
        Provider label (``"OpenAI"``, ``"Anthropic"``, ``"custom"``, ``"Upstash"``).
    ``base_url``
        Provider origin, e.g. ``https://api.openai.com`` (empty for :func:`upstash`).
    ``token``
        Provider API key; hidden from ``repr``.
    ``route``
        Path appended to ``base_url`` to form the publish destination.
    ``auth_header``
        Header that carries the key: ``"Authorization"`` (sent as ``Bearer <token>``),
        ``"x-api-key"`` (sent raw), or ``""`` for none.
    ``extra_headers``
        Further non-secret headers to forward, as ``(name, value)`` pairs.
    """

    name: str
    base_url: str
    token: str = field(repr=False)
    route: str = _CHAT_ROUTE
    auth_header: str = "Authorization"
    extra_headers: tuple[tuple[str, str], ...] = ()

    @property
    def destination(self) -> str:
        """The publish destination: ``base_url + route``, or ``api/llm`` for Upstash."""
        if not self.base_url:
            return "api/llm"
        return self.base_url + self.route

    def forward_headers(self) -> dict[str, str]:
        """Headers QStash must forward to the provider (unprefixed names), key included."""
        headers: dict[str, str] = {}
        if self.auth_header == "Authorization":
            headers["Authorization"] = f"Bearer {self.token}"
        elif self.auth_header:
            headers[self.auth_header] = self.token
        headers.update(self.extra_headers)
        return headers


def _token(token: object) -> str:
    # header_text's messages never echo the value, which matters here: it is a secret.
    return _values.header_text(token, "token")


def openai(token: str, *, organization: str | None = None) -> LlmProvider:
    """OpenAI (``https://api.openai.com/v1/chat/completions``).

    Forwards ``Authorization: Bearer <token>`` and, when given, ``OpenAI-Organization``.
    """
    extra: tuple[tuple[str, str], ...] = ()
    if organization is not None:
        extra = (("OpenAI-Organization", _values.header_text(organization, "organization")),)
    return LlmProvider("OpenAI", "https://api.openai.com", _token(token), extra_headers=extra)


def anthropic(token: str, *, version: str = "2023-06-01") -> LlmProvider:
    """Anthropic (``https://api.anthropic.com/v1/messages``).

    Forwards ``x-api-key: <token>`` and ``anthropic-version: <version>``. The message body
    must follow the Anthropic Messages API, not the OpenAI chat format.
    """
    return LlmProvider(
        "Anthropic",
        "https://api.anthropic.com",
        _token(token),
        route="/v1/messages",
        auth_header="x-api-key",
        extra_headers=(("anthropic-version", _values.header_text(version, "version")),),
    )


def custom(base_url: str, token: str) -> LlmProvider:
    """Any OpenAI-compatible API: the destination is ``<base_url>/v1/chat/completions``.

    A trailing ``/``, ``/chat/completions``, ``/v1/chat/completions`` or ``/v1`` is removed
    from ``base_url`` first, so ``https://api.together.xyz/v1`` and the full endpoint URL both
    work. Forwards ``Authorization: Bearer <token>``.
    """
    base = _values.http_url(base_url, "base_url").rstrip("/")
    for suffix in ("/v1/chat/completions", "/chat/completions", "/v1"):
        # "https://v1" ends with "/v1" too: strip only when a URL with a host remains.
        if base.endswith(suffix) and _values.is_http_url(base[: -len(suffix)]):
            base = base[: -len(suffix)]
            break
    return LlmProvider("custom", base, _token(token))


def upstash() -> LlmProvider:
    """QStash-hosted models (destination ``api/llm``; billed by Upstash, no provider key)."""
    return LlmProvider("Upstash", "", "", auth_header="")
