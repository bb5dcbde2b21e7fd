"""The Django decorator on real Django views, driven by Django's test clients (WSGI and ASGI)."""

from __future__ import annotations

import json
import queue
from collections.abc import Iterator
from typing import Any

import django
import pytest
from django.conf import settings

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="tests-only",
        ALLOWED_HOSTS=["testserver", "public.example.com", "127.0.0.1"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=["django.middleware.csrf.CsrfViewMiddleware"],
        INSTALLED_APPS=[],
    )
    django.setup()

from django.core.handlers.asgi import ASGIHandler
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.test import AsyncClient, Client, override_settings
from django.urls import path
from django.utils.decorators import method_decorator
from django.views import View

from qstash._config import DEV_CURRENT_SIGNING_KEY, DEV_NEXT_SIGNING_KEY
from qstash.delivery import Delivery
from qstash.dev import DevServerThread
from qstash.dev import testing as dev_testing
from qstash.errors import InvalidArgumentError
from qstash.integrations.django import (
    get_delivery,
    non_retryable,
    request_url,
    retry_after,
    verify_qstash,
)
from qstash.receiver import Receiver
from tests.dev._helpers import one
from tests.integrations import (
    BODY,
    QUERY,
    Case,
    assert_rejected,
    expected_echo,
    receiver,
    rejections,
    serve_asgi,
    signed,
)

URL = "http://testserver/hook"
qstash_dev_server = dev_testing.qstash_dev_server  # the documented pytest fixture


def echo(request: HttpRequest) -> JsonResponse:
    delivery = get_delivery(request)
    assert getattr(request, "qstash", None) is delivery
    return JsonResponse(
        {
            "message_id": delivery.message_id,
            "retried": delivery.retried,
            "schedule_id": delivery.schedule_id,
            "url_group": delivery.url_group,
            "caller_ip": delivery.caller_ip,
            "region": delivery.region,
            "subject": delivery.claims.subject,
            "body": request.body.decode(),
            "raw_equal": request.body == delivery.body,
            "json": json.loads(request.body),
        }
    )


@verify_qstash(receiver=receiver())
def hook(request: HttpRequest) -> JsonResponse:
    return echo(request)


@verify_qstash(receiver=receiver())
async def async_hook(request: HttpRequest) -> JsonResponse:
    return echo(request)


@verify_qstash(receiver=receiver())
def named(request: HttpRequest, name: str) -> JsonResponse:
    return JsonResponse({"name": name, "url": request_url(request)})


@verify_qstash(receiver=receiver(), public_url="https://public.example.com/svc")
def public(request: HttpRequest) -> JsonResponse:
    return echo(request)


@verify_qstash(receiver=receiver(), trust_forwarded_headers=True)
def forwarded(request: HttpRequest) -> JsonResponse:
    return echo(request)


@verify_qstash(receiver=receiver(), check_url=False)
def unchecked(request: HttpRequest) -> JsonResponse:
    return echo(request)


@verify_qstash(receiver=receiver())
async def answer(request: HttpRequest, kind: str) -> HttpResponse:
    if kind == "non-retryable":
        return non_retryable("no such tenant")
    return retry_after(5.5, status=429)


@method_decorator(verify_qstash(receiver=receiver()), name="dispatch")
class HookView(View):
    def post(self, request: HttpRequest) -> JsonResponse:
        return echo(request)


# Deliveries that reached e2e_hook, for the end-to-end test.
E2E_SEEN: queue.Queue[tuple[Delivery, bytes]] = queue.Queue()


@verify_qstash(receiver=Receiver(DEV_CURRENT_SIGNING_KEY, DEV_NEXT_SIGNING_KEY))
async def e2e_hook(request: HttpRequest, name: str) -> HttpResponse:
    E2E_SEEN.put((get_delivery(request), request.body))
    return JsonResponse({"name": name})


urlpatterns = [
    path("e2e/<str:name>", e2e_hook),
    path("hook", hook),
    path("async-hook", async_hook),
    path("named/<str:name>", named),
    path("public", public),
    path("forwarded", forwarded),
    path("unchecked", unchecked),
    path("answer/<str:kind>", answer),
    path("class-hook", HookView.as_view()),
]


@pytest.fixture(autouse=True)
def _urls() -> Iterator[None]:
    # Another module may have configured Django first; these tests bring their own URLs.
    with override_settings(
        ROOT_URLCONF=__name__,
        ALLOWED_HOSTS=["testserver", "public.example.com", "127.0.0.1"],
        MIDDLEWARE=["django.middleware.csrf.CsrfViewMiddleware"],
        USE_X_FORWARDED_HOST=False,
    ):
        yield


@pytest.fixture
def client() -> Client:
    # CSRF checks on, as in production: the decorated views must be exempt.
    return Client(enforce_csrf_checks=True)


def post(client: Client, route: str, body: bytes, headers: dict[str, str]) -> Any:
    return client.post(route, data=body, content_type="application/json", headers=headers)


def test_genuine_delivery_reaches_the_view(client: Client) -> None:
    response = post(client, "/hook", BODY, signed(URL))
    assert response.status_code == 200, response.content
    assert response.json() == expected_echo(URL)


async def test_async_view_under_asgi() -> None:
    client = AsyncClient(enforce_csrf_checks=True)
    url = "http://testserver/async-hook"
    response = await client.post(
        "/async-hook", data=BODY, content_type="application/json", headers=signed(url)
    )
    assert response.status_code == 200, response.content
    assert response.json() == expected_echo(url)
    refused = await client.post(
        "/async-hook", data=BODY, content_type="application/json", headers=signed(URL)
    )
    assert refused.status_code == 403
    assert refused.json()["error"] == "url_mismatch"


def test_class_based_view(client: Client) -> None:
    url = "http://testserver/class-hook"
    response = post(client, "/class-hook", BODY, signed(url))
    assert response.status_code == 200, response.content
    assert post(client, "/class-hook", BODY, {}).status_code == 401


def test_query_string_and_encoded_path_are_kept(client: Client) -> None:
    response = post(client, "/hook" + QUERY, BODY, signed(URL + QUERY))
    assert response.status_code == 200, response.content
    url = "http://testserver/named/caf%C3%A9%20x"
    response = post(client, "/named/caf%C3%A9%20x", BODY, signed(url))
    assert response.status_code == 200, response.content
    assert response.json() == {"name": "café x", "url": url}


@pytest.mark.parametrize("case", rejections(URL), ids=lambda case: case.id)
def test_refused_deliveries_never_reach_the_view(client: Client, case: Case) -> None:
    response = post(client, "/hook", case.body, case.headers)
    assert response["Content-Type"] == "application/json"
    assert_rejected(case, response.status_code, response.json())


@pytest.mark.parametrize(
    "case", rejections("http://testserver/async-hook"), ids=lambda case: case.id
)
async def test_refused_deliveries_async(case: Case) -> None:
    response = await AsyncClient().post(
        "/async-hook", data=case.body, content_type="application/json", headers=case.headers
    )
    assert_rejected(case, response.status_code, response.json())


@pytest.mark.parametrize(
    ("route", "headers", "signed_url"),
    [
        ("/public", {}, "https://public.example.com/svc/public"),
        (
            "/forwarded",
            {
                "X-Forwarded-Proto": "https",
                "X-Forwarded-Host": "public.example.com",
                "X-Forwarded-Prefix": "/svc",
            },
            "https://public.example.com/svc/forwarded",
        ),
        ("/unchecked", {}, "https://else.example.com/x"),
    ],
)
def test_url_policies(client: Client, route: str, headers: dict[str, str], signed_url: str) -> None:
    response = post(client, route, BODY, signed(signed_url, headers=headers))
    assert response.status_code == 200, response.content
    assert response.json()["subject"] == signed_url
    own = post(client, route, BODY, signed("http://testserver" + route, headers=headers))
    assert own.status_code == (200 if route == "/unchecked" else 403)


def test_django_proxy_settings_are_honoured_by_default(client: Client) -> None:
    signed_url = "https://public.example.com/hook"
    headers = signed(signed_url, headers={"X-Forwarded-Proto": "https"})
    headers["X-Forwarded-Host"] = "public.example.com"
    assert post(client, "/hook", BODY, headers).status_code == 403
    with override_settings(
        SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"), USE_X_FORWARDED_HOST=True
    ):
        response = post(client, "/hook", BODY, headers)
    assert response.status_code == 200, response.content


async def test_answers() -> None:
    client = AsyncClient()
    url = "http://testserver/answer/non-retryable"
    response = await client.post(
        "/answer/non-retryable", data=BODY, content_type="text/plain", headers=signed(url)
    )
    assert response.status_code == 489
    assert response["Upstash-NonRetryable-Error"] == "true"
    assert response.json() == {"error": "no such tenant"}
    url = "http://testserver/answer/later"
    response = await client.post(
        "/answer/later", data=BODY, content_type="text/plain", headers=signed(url)
    )
    assert response.status_code == 429
    assert response["Retry-After"] == "6"


def test_views_are_csrf_exempt_and_keep_their_names() -> None:
    assert getattr(hook, "csrf_exempt", False) is True
    assert getattr(async_hook, "csrf_exempt", False) is True
    assert hook.__name__ == "hook"
    from asgiref.sync import iscoroutinefunction

    assert iscoroutinefunction(async_hook)
    assert not iscoroutinefunction(hook)


def test_undecorated_request_has_no_delivery() -> None:
    with pytest.raises(LookupError, match="verify_qstash"):
        get_delivery(HttpRequest())


def test_bad_public_url_fails_at_decoration_time() -> None:
    with pytest.raises(InvalidArgumentError, match="query or fragment"):
        verify_qstash(public_url="https://api.example.com/?x=1")


def test_end_to_end_async_view_under_asgi(qstash_dev_server: DevServerThread) -> None:
    assert qstash_dev_server.current_signing_key == DEV_CURRENT_SIGNING_KEY
    with serve_asgi(ASGIHandler()) as base, qstash_dev_server.client() as client:
        url = f"{base}/e2e/caf%C3%A9?tenant=7"
        result = one(client.message.publish_json(url=url, body={"order": 42}))
        delivery, body = E2E_SEEN.get(timeout=10)
    assert delivery.message_id == result.message_id
    assert delivery.claims.subject == url
    assert body == delivery.body == b'{"order":42}'
    assert delivery.caller_ip == "127.0.0.1"
