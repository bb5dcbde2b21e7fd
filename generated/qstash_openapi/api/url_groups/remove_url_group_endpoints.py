from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.remove_endpoints_request import RemoveEndpointsRequest
from ...types import Response


def _get_kwargs(
    url_group_name: str,
    *,
    body: RemoveEndpointsRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/v2/topics/{url_group_name}/endpoints".format(
            url_group_name=quote(str(url_group_name), safe=""),
        ),
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
    url_group_name: str,
    *,
    client: AuthenticatedClient | Client,
    body: RemoveEndpointsRequest,
) -> Response[Any]:
    """Remove endpoints from a URL group

     Removes endpoints, each selected by URL or by name (a JSON body on a DELETE request).
    Removing the last endpoint deletes the group.

    Args:
        url_group_name (str):
        body (RemoveEndpointsRequest): Endpoints to remove from a URL group.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any]
    """

    kwargs = _get_kwargs(
        url_group_name=url_group_name,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


async def asyncio_detailed(
    url_group_name: str,
    *,
    client: AuthenticatedClient | Client,
    body: RemoveEndpointsRequest,
) -> Response[Any]:
    """Remove endpoints from a URL group

     Removes endpoints, each selected by URL or by name (a JSON body on a DELETE request).
    Removing the last endpoint deletes the group.

    Args:
        url_group_name (str):
        body (RemoveEndpointsRequest): Endpoints to remove from a URL group.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any]
    """

    kwargs = _get_kwargs(
        url_group_name=url_group_name,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)
