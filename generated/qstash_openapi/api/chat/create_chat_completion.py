from http import HTTPStatus
from typing import Any, cast

import httpx

from ...client import AuthenticatedClient, Client
from ...models.chat_completion import ChatCompletion
from ...models.chat_completion_request import ChatCompletionRequest
from ...types import Response


def _get_kwargs(
    *,
    body: ChatCompletionRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/llm/v1/chat/completions",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | ChatCompletion:
    if response.status_code == 200:
        response_200 = ChatCompletion.from_dict(response.json())

        return response_200

    if 400 <= response.status_code <= 499:
        response_4xx = cast(Any, None)
        return response_4xx

    if 500 <= response.status_code <= 599:
        response_5xx = cast(Any, None)
        return response_5xx

    response_default = cast(Any, None)
    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | ChatCompletion]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ChatCompletionRequest,
) -> Response[Any | ChatCompletion]:
    """Create a chat completion

     OpenAI-compatible chat completions on Upstash-hosted models, authenticated with the QStash
    token (deprecated upstream). A rate-limited request answers 429 with
    `x-ratelimit-{limit,remaining,reset}-{requests,tokens}` headers.

    With `"stream": true` (and `Accept: text/event-stream`) the response is a server-sent
    event stream instead of JSON, as named by `x-qstash-stream`: each event is a line
    `data: <ChatCompletionChunk JSON>`, and the stream ends with `data: [DONE]`. Generated
    clients buffer responses, so streaming is implemented by hand.

    Args:
        body (ChatCompletionRequest): An OpenAI-compatible chat completion request.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ChatCompletion]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: ChatCompletionRequest,
) -> Any | ChatCompletion | None:
    """Create a chat completion

     OpenAI-compatible chat completions on Upstash-hosted models, authenticated with the QStash
    token (deprecated upstream). A rate-limited request answers 429 with
    `x-ratelimit-{limit,remaining,reset}-{requests,tokens}` headers.

    With `"stream": true` (and `Accept: text/event-stream`) the response is a server-sent
    event stream instead of JSON, as named by `x-qstash-stream`: each event is a line
    `data: <ChatCompletionChunk JSON>`, and the stream ends with `data: [DONE]`. Generated
    clients buffer responses, so streaming is implemented by hand.

    Args:
        body (ChatCompletionRequest): An OpenAI-compatible chat completion request.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ChatCompletion
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ChatCompletionRequest,
) -> Response[Any | ChatCompletion]:
    """Create a chat completion

     OpenAI-compatible chat completions on Upstash-hosted models, authenticated with the QStash
    token (deprecated upstream). A rate-limited request answers 429 with
    `x-ratelimit-{limit,remaining,reset}-{requests,tokens}` headers.

    With `"stream": true` (and `Accept: text/event-stream`) the response is a server-sent
    event stream instead of JSON, as named by `x-qstash-stream`: each event is a line
    `data: <ChatCompletionChunk JSON>`, and the stream ends with `data: [DONE]`. Generated
    clients buffer responses, so streaming is implemented by hand.

    Args:
        body (ChatCompletionRequest): An OpenAI-compatible chat completion request.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ChatCompletion]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: ChatCompletionRequest,
) -> Any | ChatCompletion | None:
    """Create a chat completion

     OpenAI-compatible chat completions on Upstash-hosted models, authenticated with the QStash
    token (deprecated upstream). A rate-limited request answers 429 with
    `x-ratelimit-{limit,remaining,reset}-{requests,tokens}` headers.

    With `"stream": true` (and `Accept: text/event-stream`) the response is a server-sent
    event stream instead of JSON, as named by `x-qstash-stream`: each event is a line
    `data: <ChatCompletionChunk JSON>`, and the stream ends with `data: [DONE]`. Generated
    clients buffer responses, so streaming is implemented by hand.

    Args:
        body (ChatCompletionRequest): An OpenAI-compatible chat completion request.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ChatCompletion
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
