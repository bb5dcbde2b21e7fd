from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.flow_control_info import FlowControlInfo
from ...types import Response


def _get_kwargs(
    flow_control_key: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v2/flowControl/{flow_control_key}".format(
            flow_control_key=quote(str(flow_control_key), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | FlowControlInfo:
    if response.status_code == 200:
        response_200 = FlowControlInfo.from_dict(response.json())

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
) -> Response[Any | FlowControlInfo]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    flow_control_key: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Any | FlowControlInfo]:
    """Get a flow-control key

     Returns the limits, current usage and waitlist size of one flow-control key.

    Args:
        flow_control_key (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | FlowControlInfo]
    """

    kwargs = _get_kwargs(
        flow_control_key=flow_control_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    flow_control_key: str,
    *,
    client: AuthenticatedClient | Client,
) -> Any | FlowControlInfo | None:
    """Get a flow-control key

     Returns the limits, current usage and waitlist size of one flow-control key.

    Args:
        flow_control_key (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | FlowControlInfo
    """

    return sync_detailed(
        flow_control_key=flow_control_key,
        client=client,
    ).parsed


async def asyncio_detailed(
    flow_control_key: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Any | FlowControlInfo]:
    """Get a flow-control key

     Returns the limits, current usage and waitlist size of one flow-control key.

    Args:
        flow_control_key (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | FlowControlInfo]
    """

    kwargs = _get_kwargs(
        flow_control_key=flow_control_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    flow_control_key: str,
    *,
    client: AuthenticatedClient | Client,
) -> Any | FlowControlInfo | None:
    """Get a flow-control key

     Returns the limits, current usage and waitlist size of one flow-control key.

    Args:
        flow_control_key (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | FlowControlInfo
    """

    return (
        await asyncio_detailed(
            flow_control_key=flow_control_key,
            client=client,
        )
    ).parsed
