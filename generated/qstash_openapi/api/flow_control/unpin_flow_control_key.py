from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import UNSET, Response, Unset


def _get_kwargs(
    flow_control_key: str,
    *,
    parallelism: bool | Unset = UNSET,
    rate: bool | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["parallelism"] = parallelism

    params["rate"] = rate

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v2/flowControl/{flow_control_key}/unpin".format(
            flow_control_key=quote(str(flow_control_key), safe=""),
        ),
        "params": params,
    }

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
    flow_control_key: str,
    *,
    client: AuthenticatedClient | Client,
    parallelism: bool | Unset = UNSET,
    rate: bool | Unset = UNSET,
) -> Response[Any]:
    """Unpin the limits of a flow-control key

     Releases pinned limits; later messages' own flow-control values apply again. Only the limits passed
    as true are released.

    Args:
        flow_control_key (str):
        parallelism (bool | Unset):
        rate (bool | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any]
    """

    kwargs = _get_kwargs(
        flow_control_key=flow_control_key,
        parallelism=parallelism,
        rate=rate,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


async def asyncio_detailed(
    flow_control_key: str,
    *,
    client: AuthenticatedClient | Client,
    parallelism: bool | Unset = UNSET,
    rate: bool | Unset = UNSET,
) -> Response[Any]:
    """Unpin the limits of a flow-control key

     Releases pinned limits; later messages' own flow-control values apply again. Only the limits passed
    as true are released.

    Args:
        flow_control_key (str):
        parallelism (bool | Unset):
        rate (bool | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any]
    """

    kwargs = _get_kwargs(
        flow_control_key=flow_control_key,
        parallelism=parallelism,
        rate=rate,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)
