from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.upsert_queue_request import UpsertQueueRequest
from ...types import Response


def _get_kwargs(
    *,
    body: UpsertQueueRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v2/queues",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any:
    if response.status_code == 200:
        return None

    if 400 <= response.status_code <= 499:
        return None

    if 500 <= response.status_code <= 599:
        return None

    return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: UpsertQueueRequest,
) -> Response[Any]:
    """Create or update a queue

     Creates the queue, or updates its parallelism and paused state when it exists. The SDKs
    always send all three fields (parallelism 1 and paused false when the caller gives none).
    412 when a plan limit (number of queues, parallelism) is exceeded.

    Args:
        body (UpsertQueueRequest): Settings of a queue to create or update.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: UpsertQueueRequest,
) -> Response[Any]:
    """Create or update a queue

     Creates the queue, or updates its parallelism and paused state when it exists. The SDKs
    always send all three fields (parallelism 1 and paused false when the caller gives none).
    412 when a plan limit (number of queues, parallelism) is exceeded.

    Args:
        body (UpsertQueueRequest): Settings of a queue to create or update.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)
