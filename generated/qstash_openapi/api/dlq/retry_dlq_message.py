from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.retry_dlq_message_response import RetryDlqMessageResponse
from ...types import Response


def _get_kwargs(
    dlq_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v2/dlq/retry/{dlq_id}".format(
            dlq_id=quote(str(dlq_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | RetryDlqMessageResponse:
    if response.status_code == 200:
        response_200 = RetryDlqMessageResponse.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = RetryDlqMessageResponse.from_dict(response.json())

        return response_201

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
) -> Response[Any | RetryDlqMessageResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    dlq_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Any | RetryDlqMessageResponse]:
    """Retry a DLQ message

     Publishes the DLQ entry again as a new message and removes the entry. `Upstash-*` option
    headers (for example `Upstash-Retries`) sent with this request override the original
    message's settings. The server answers 201.

    Args:
        dlq_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | RetryDlqMessageResponse]
    """

    kwargs = _get_kwargs(
        dlq_id=dlq_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    dlq_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Any | RetryDlqMessageResponse | None:
    """Retry a DLQ message

     Publishes the DLQ entry again as a new message and removes the entry. `Upstash-*` option
    headers (for example `Upstash-Retries`) sent with this request override the original
    message's settings. The server answers 201.

    Args:
        dlq_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | RetryDlqMessageResponse
    """

    return sync_detailed(
        dlq_id=dlq_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    dlq_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Any | RetryDlqMessageResponse]:
    """Retry a DLQ message

     Publishes the DLQ entry again as a new message and removes the entry. `Upstash-*` option
    headers (for example `Upstash-Retries`) sent with this request override the original
    message's settings. The server answers 201.

    Args:
        dlq_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | RetryDlqMessageResponse]
    """

    kwargs = _get_kwargs(
        dlq_id=dlq_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    dlq_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Any | RetryDlqMessageResponse | None:
    """Retry a DLQ message

     Publishes the DLQ entry again as a new message and removes the entry. `Upstash-*` option
    headers (for example `Upstash-Retries`) sent with this request override the original
    message's settings. The server answers 201.

    Args:
        dlq_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | RetryDlqMessageResponse
    """

    return (
        await asyncio_detailed(
            dlq_id=dlq_id,
            client=client,
        )
    ).parsed
