from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.url_group import UrlGroup
from ...types import Response


def _get_kwargs(
    url_group_name: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v2/topics/{url_group_name}".format(
            url_group_name=quote(str(url_group_name), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | UrlGroup:
    if response.status_code == 200:
        response_200 = UrlGroup.from_dict(response.json())

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
) -> Response[Any | UrlGroup]:
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
) -> Response[Any | UrlGroup]:
    """Get a URL group

     Returns one URL group with its endpoints.

    Args:
        url_group_name (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | UrlGroup]
    """

    kwargs = _get_kwargs(
        url_group_name=url_group_name,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    url_group_name: str,
    *,
    client: AuthenticatedClient | Client,
) -> Any | UrlGroup | None:
    """Get a URL group

     Returns one URL group with its endpoints.

    Args:
        url_group_name (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | UrlGroup
    """

    return sync_detailed(
        url_group_name=url_group_name,
        client=client,
    ).parsed


async def asyncio_detailed(
    url_group_name: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Any | UrlGroup]:
    """Get a URL group

     Returns one URL group with its endpoints.

    Args:
        url_group_name (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | UrlGroup]
    """

    kwargs = _get_kwargs(
        url_group_name=url_group_name,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    url_group_name: str,
    *,
    client: AuthenticatedClient | Client,
) -> Any | UrlGroup | None:
    """Get a URL group

     Returns one URL group with its endpoints.

    Args:
        url_group_name (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | UrlGroup
    """

    return (
        await asyncio_detailed(
            url_group_name=url_group_name,
            client=client,
        )
    ).parsed
