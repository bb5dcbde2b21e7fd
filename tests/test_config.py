import pytest

from qstash._config import (
    DEFAULT_BASE_URL,
    DEV_TOKEN,
    normalize_base_url,
    resolve_client_settings,
)
from qstash.errors import InvalidArgumentError

REGION_ENV = {
    "QSTASH_REGION": "us-east-1",
    "US_EAST_1_QSTASH_URL": "https://qstash-us-east-1.upstash.io",
    "US_EAST_1_QSTASH_TOKEN": "us-token",
    "QSTASH_URL": "https://env.example",
    "QSTASH_TOKEN": "env-token",
}


@pytest.mark.parametrize(
    ("token", "base_url", "env", "expected_url", "expected_token"),
    [
        ("t", None, {}, DEFAULT_BASE_URL, "t"),
        ("t", "https://custom.example/", {}, "https://custom.example", "t"),
        (None, None, {"QSTASH_TOKEN": "env-token"}, DEFAULT_BASE_URL, "env-token"),
        (None, None, {"QSTASH_TOKEN": "e", "QSTASH_URL": "https://x.example"},
         "https://x.example", "e"),
        ("arg", "https://arg.example", {"QSTASH_TOKEN": "e", "QSTASH_URL": "https://x.example"},
         "https://arg.example", "arg"),
        (None, None, {"QSTASH_DEV": "true"}, "http://127.0.0.1:8080", DEV_TOKEN),
        (None, None, {"QSTASH_DEV": "1", "QSTASH_DEV_PORT": "9000"}, "http://127.0.0.1:9000",
         DEV_TOKEN),
        ("mine", None, {"QSTASH_DEV": "1"}, "http://127.0.0.1:8080", "mine"),
        (None, None, {"QSTASH_DEV": "0", "QSTASH_TOKEN": "e"}, DEFAULT_BASE_URL, "e"),
        (None, None, REGION_ENV, "https://qstash-us-east-1.upstash.io", "us-token"),
        # region named but its variables missing: plain environment wins
        (None, None, {**REGION_ENV, "US_EAST_1_QSTASH_TOKEN": ""}, "https://env.example",
         "env-token"),
        ("t", "https://qstash.upstash.io/v2/publish", {}, DEFAULT_BASE_URL, "t"),
    ],
)  # fmt: skip
def test_resolution_order(
    token: str | None,
    base_url: str | None,
    env: dict[str, str],
    expected_url: str,
    expected_token: str,
) -> None:
    settings = resolve_client_settings(token, base_url, env)
    assert (settings.base_url, settings.token) == (expected_url, expected_token)


@pytest.mark.parametrize(
    ("token", "base_url", "env", "argument"),
    [
        (None, None, {}, "token"),
        ("", None, {}, "token"),
        ("  ", None, {"QSTASH_TOKEN": "x"}, "token"),
        ("t", "ftp://x", {}, "base_url"),
        ("t", "qstash.upstash.io", {}, "base_url"),
        ("t", None, {"QSTASH_DEV": "maybe"}, "QSTASH_DEV"),
        ("t", None, {"QSTASH_DEV": "1", "QSTASH_DEV_PORT": "http"}, "QSTASH_DEV_PORT"),
        ("t", None, {"QSTASH_REGION": "MARS_1"}, "QSTASH_REGION"),
    ],
)
def test_refusals(
    token: str | None, base_url: str | None, env: dict[str, str], argument: str
) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        resolve_client_settings(token, base_url, env)
    assert info.value.argument == argument


def test_settings_repr_hides_token() -> None:
    settings = resolve_client_settings("canary-token-123", None, {})
    assert "canary-token-123" not in repr(settings)


def test_normalize_keeps_a_path_prefix() -> None:
    assert normalize_base_url("http://127.0.0.1:8080/") == "http://127.0.0.1:8080"
    assert normalize_base_url("https://proxy.example/qstash/") == "https://proxy.example/qstash"
