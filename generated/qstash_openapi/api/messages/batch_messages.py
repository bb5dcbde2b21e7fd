from http import HTTPStatus
from typing import Any, cast

import httpx

from ...client import AuthenticatedClient, Client
from ...models.batch_item_error import BatchItemError
from ...models.batch_message import BatchMessage
from ...models.publish_response import PublishResponse
from ...types import Response


def _get_kwargs(
    *,
    body: list[BatchMessage],
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v2/batch",
    }

    _kwargs["json"] = []
    for body_item_data in body:
        body_item = body_item_data.to_dict()
        _kwargs["json"].append(body_item)

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | list[BatchItemError | list[PublishResponse] | PublishResponse]:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:

            def _parse_response_200_item(
                data: object,
            ) -> BatchItemError | list[PublishResponse] | PublishResponse:
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_batch_result_item_type_0 = (
                        PublishResponse.from_dict(data)
                    )

                    return componentsschemas_batch_result_item_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, list):
                        raise TypeError()
                    componentsschemas_batch_result_item_type_1 = []
                    _componentsschemas_batch_result_item_type_1 = data
                    for (
                        componentsschemas_batch_result_item_type_1_item_data
                    ) in _componentsschemas_batch_result_item_type_1:
                        componentsschemas_batch_result_item_type_1_item = (
                            PublishResponse.from_dict(
                                componentsschemas_batch_result_item_type_1_item_data
                            )
                        )

                        componentsschemas_batch_result_item_type_1.append(
                            componentsschemas_batch_result_item_type_1_item
                        )

                    return componentsschemas_batch_result_item_type_1
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_batch_result_item_type_2 = BatchItemError.from_dict(
                    data
                )

                return componentsschemas_batch_result_item_type_2

            response_200_item = _parse_response_200_item(response_200_item_data)

            response_200.append(response_200_item)

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
) -> Response[Any | list[BatchItemError | list[PublishResponse] | PublishResponse]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: list[BatchMessage],
) -> Response[Any | list[BatchItemError | list[PublishResponse] | PublishResponse]]:
    """Publish a batch of messages

     Publishes several messages in one request. Each item names its destination (URL or URL
    group), optionally a queue, its body as a string and its headers already in wire form
    (`Upstash-*` options and `Upstash-Forward-*` headers).

    The response has one entry per item, in request order: a `PublishResponse` for a URL
    destination, an array of them for a URL group, or a `BatchItemError` when that item
    failed while the others were accepted.

    Args:
        body (list[BatchMessage]):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | list[BatchItemError | list[PublishResponse] | PublishResponse]]
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
    body: list[BatchMessage],
) -> Any | list[BatchItemError | list[PublishResponse] | PublishResponse] | None:
    """Publish a batch of messages

     Publishes several messages in one request. Each item names its destination (URL or URL
    group), optionally a queue, its body as a string and its headers already in wire form
    (`Upstash-*` options and `Upstash-Forward-*` headers).

    The response has one entry per item, in request order: a `PublishResponse` for a URL
    destination, an array of them for a URL group, or a `BatchItemError` when that item
    failed while the others were accepted.

    Args:
        body (list[BatchMessage]):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | list[BatchItemError | list[PublishResponse] | PublishResponse]
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: list[BatchMessage],
) -> Response[Any | list[BatchItemError | list[PublishResponse] | PublishResponse]]:
    """Publish a batch of messages

     Publishes several messages in one request. Each item names its destination (URL or URL
    group), optionally a queue, its body as a string and its headers already in wire form
    (`Upstash-*` options and `Upstash-Forward-*` headers).

    The response has one entry per item, in request order: a `PublishResponse` for a URL
    destination, an array of them for a URL group, or a `BatchItemError` when that item
    failed while the others were accepted.

    Args:
        body (list[BatchMessage]):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | list[BatchItemError | list[PublishResponse] | PublishResponse]]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: list[BatchMessage],
) -> Any | list[BatchItemError | list[PublishResponse] | PublishResponse] | None:
    """Publish a batch of messages

     Publishes several messages in one request. Each item names its destination (URL or URL
    group), optionally a queue, its body as a string and its headers already in wire form
    (`Upstash-*` options and `Upstash-Forward-*` headers).

    The response has one entry per item, in request order: a `PublishResponse` for a URL
    destination, an array of them for a URL group, or a `BatchItemError` when that item
    failed while the others were accepted.

    Args:
        body (list[BatchMessage]):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | list[BatchItemError | list[PublishResponse] | PublishResponse]
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
