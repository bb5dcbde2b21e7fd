from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.http_method import HttpMethod
from ...models.publish_response import PublishResponse
from ...types import UNSET, File, Response, Unset


def _get_kwargs(
    destination: str,
    *,
    body: File | Unset = UNSET,
    upstash_method: HttpMethod | Unset = UNSET,
    upstash_retries: int | Unset = UNSET,
    upstash_retry_delay: str | Unset = UNSET,
    upstash_delay: str | Unset = UNSET,
    upstash_not_before: int | Unset = UNSET,
    upstash_deduplication_id: str | Unset = UNSET,
    upstash_content_based_deduplication: bool | Unset = UNSET,
    upstash_timeout: str | Unset = UNSET,
    upstash_callback: str | Unset = UNSET,
    upstash_failure_callback: str | Unset = UNSET,
    upstash_flow_control_key: str | Unset = UNSET,
    upstash_flow_control_value: str | Unset = UNSET,
    upstash_label: str | Unset = UNSET,
    upstash_redact_fields: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(upstash_method, Unset):
        headers["Upstash-Method"] = str(upstash_method)

    if not isinstance(upstash_retries, Unset):
        headers["Upstash-Retries"] = str(upstash_retries)

    if not isinstance(upstash_retry_delay, Unset):
        headers["Upstash-Retry-Delay"] = upstash_retry_delay

    if not isinstance(upstash_delay, Unset):
        headers["Upstash-Delay"] = upstash_delay

    if not isinstance(upstash_not_before, Unset):
        headers["Upstash-Not-Before"] = str(upstash_not_before)

    if not isinstance(upstash_deduplication_id, Unset):
        headers["Upstash-Deduplication-Id"] = upstash_deduplication_id

    if not isinstance(upstash_content_based_deduplication, Unset):
        headers["Upstash-Content-Based-Deduplication"] = (
            "true" if upstash_content_based_deduplication else "false"
        )

    if not isinstance(upstash_timeout, Unset):
        headers["Upstash-Timeout"] = upstash_timeout

    if not isinstance(upstash_callback, Unset):
        headers["Upstash-Callback"] = upstash_callback

    if not isinstance(upstash_failure_callback, Unset):
        headers["Upstash-Failure-Callback"] = upstash_failure_callback

    if not isinstance(upstash_flow_control_key, Unset):
        headers["Upstash-Flow-Control-Key"] = upstash_flow_control_key

    if not isinstance(upstash_flow_control_value, Unset):
        headers["Upstash-Flow-Control-Value"] = upstash_flow_control_value

    if not isinstance(upstash_label, Unset):
        headers["Upstash-Label"] = upstash_label

    if not isinstance(upstash_redact_fields, Unset):
        headers["Upstash-Redact-Fields"] = upstash_redact_fields

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v2/publish/{destination}".format(
            destination=quote(str(destination), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["content"] = body.payload
    headers["Content-Type"] = "application/octet-stream"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | list[PublishResponse] | PublishResponse:
    if response.status_code == 200:

        def _parse_response_200(
            data: object,
        ) -> list[PublishResponse] | PublishResponse:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_publish_result_type_0 = PublishResponse.from_dict(
                    data
                )

                return componentsschemas_publish_result_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, list):
                raise TypeError()
            componentsschemas_publish_result_type_1 = []
            _componentsschemas_publish_result_type_1 = data
            for (
                componentsschemas_publish_result_type_1_item_data
            ) in _componentsschemas_publish_result_type_1:
                componentsschemas_publish_result_type_1_item = (
                    PublishResponse.from_dict(
                        componentsschemas_publish_result_type_1_item_data
                    )
                )

                componentsschemas_publish_result_type_1.append(
                    componentsschemas_publish_result_type_1_item
                )

            return componentsschemas_publish_result_type_1

        response_200 = _parse_response_200(response.json())

        return response_200

    if response.status_code == 202:

        def _parse_response_202(
            data: object,
        ) -> list[PublishResponse] | PublishResponse:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_publish_result_type_0 = PublishResponse.from_dict(
                    data
                )

                return componentsschemas_publish_result_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, list):
                raise TypeError()
            componentsschemas_publish_result_type_1 = []
            _componentsschemas_publish_result_type_1 = data
            for (
                componentsschemas_publish_result_type_1_item_data
            ) in _componentsschemas_publish_result_type_1:
                componentsschemas_publish_result_type_1_item = (
                    PublishResponse.from_dict(
                        componentsschemas_publish_result_type_1_item_data
                    )
                )

                componentsschemas_publish_result_type_1.append(
                    componentsschemas_publish_result_type_1_item
                )

            return componentsschemas_publish_result_type_1

        response_202 = _parse_response_202(response.json())

        return response_202

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
) -> Response[Any | list[PublishResponse] | PublishResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    destination: str,
    *,
    client: AuthenticatedClient | Client,
    body: File | Unset = UNSET,
    upstash_method: HttpMethod | Unset = UNSET,
    upstash_retries: int | Unset = UNSET,
    upstash_retry_delay: str | Unset = UNSET,
    upstash_delay: str | Unset = UNSET,
    upstash_not_before: int | Unset = UNSET,
    upstash_deduplication_id: str | Unset = UNSET,
    upstash_content_based_deduplication: bool | Unset = UNSET,
    upstash_timeout: str | Unset = UNSET,
    upstash_callback: str | Unset = UNSET,
    upstash_failure_callback: str | Unset = UNSET,
    upstash_flow_control_key: str | Unset = UNSET,
    upstash_flow_control_value: str | Unset = UNSET,
    upstash_label: str | Unset = UNSET,
    upstash_redact_fields: str | Unset = UNSET,
) -> Response[Any | list[PublishResponse] | PublishResponse]:
    """Publish a message

     Publishes a message to a URL or to every endpoint of a URL group.

    The request body is the raw message body and is delivered to the destination unchanged;
    any media type is accepted and forwarded (the request's `Content-Type` becomes the
    delivery's `Content-Type`). The body is declared as `application/octet-stream` only
    because that is the one raw form code generators support.

    Delivery options are `Upstash-*` headers (parameters below). Headers whose names start
    with one of the prefixes in `x-upstash-header-families` cannot be described as OpenAPI
    parameters; they are listed there:
    `Upstash-Forward-<Name>` is delivered to the destination as `<Name>`;
    `Upstash-Callback-Forward-<Name>` / `Upstash-Failure-Callback-Forward-<Name>` are sent
    as `<Name>` to the callback / failure callback;
    `Upstash-Callback-<Option>` / `Upstash-Failure-Callback-<Option>` (Method, Timeout,
    Retries, Retry-Delay) configure the callback / failure-callback delivery itself.

    Response: one `PublishResponse` for a URL destination, or an array of them (one per
    endpoint) for a URL group. A deduplicated publish answers 202 with the existing message id
    and `deduplicated: true`.

    Args:
        destination (str):
        upstash_method (HttpMethod | Unset): HTTP method used to deliver a message (request side
            only).
        upstash_retries (int | Unset):
        upstash_retry_delay (str | Unset):
        upstash_delay (str | Unset):
        upstash_not_before (int | Unset):
        upstash_deduplication_id (str | Unset):
        upstash_content_based_deduplication (bool | Unset):
        upstash_timeout (str | Unset):
        upstash_callback (str | Unset):
        upstash_failure_callback (str | Unset):
        upstash_flow_control_key (str | Unset):
        upstash_flow_control_value (str | Unset):
        upstash_label (str | Unset):
        upstash_redact_fields (str | Unset):
        body (File | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | list[PublishResponse] | PublishResponse]
    """

    kwargs = _get_kwargs(
        destination=destination,
        body=body,
        upstash_method=upstash_method,
        upstash_retries=upstash_retries,
        upstash_retry_delay=upstash_retry_delay,
        upstash_delay=upstash_delay,
        upstash_not_before=upstash_not_before,
        upstash_deduplication_id=upstash_deduplication_id,
        upstash_content_based_deduplication=upstash_content_based_deduplication,
        upstash_timeout=upstash_timeout,
        upstash_callback=upstash_callback,
        upstash_failure_callback=upstash_failure_callback,
        upstash_flow_control_key=upstash_flow_control_key,
        upstash_flow_control_value=upstash_flow_control_value,
        upstash_label=upstash_label,
        upstash_redact_fields=upstash_redact_fields,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    destination: str,
    *,
    client: AuthenticatedClient | Client,
    body: File | Unset = UNSET,
    upstash_method: HttpMethod | Unset = UNSET,
    upstash_retries: int | Unset = UNSET,
    upstash_retry_delay: str | Unset = UNSET,
    upstash_delay: str | Unset = UNSET,
    upstash_not_before: int | Unset = UNSET,
    upstash_deduplication_id: str | Unset = UNSET,
    upstash_content_based_deduplication: bool | Unset = UNSET,
    upstash_timeout: str | Unset = UNSET,
    upstash_callback: str | Unset = UNSET,
    upstash_failure_callback: str | Unset = UNSET,
    upstash_flow_control_key: str | Unset = UNSET,
    upstash_flow_control_value: str | Unset = UNSET,
    upstash_label: str | Unset = UNSET,
    upstash_redact_fields: str | Unset = UNSET,
) -> Any | list[PublishResponse] | PublishResponse | None:
    """Publish a message

     Publishes a message to a URL or to every endpoint of a URL group.

    The request body is the raw message body and is delivered to the destination unchanged;
    any media type is accepted and forwarded (the request's `Content-Type` becomes the
    delivery's `Content-Type`). The body is declared as `application/octet-stream` only
    because that is the one raw form code generators support.

    Delivery options are `Upstash-*` headers (parameters below). Headers whose names start
    with one of the prefixes in `x-upstash-header-families` cannot be described as OpenAPI
    parameters; they are listed there:
    `Upstash-Forward-<Name>` is delivered to the destination as `<Name>`;
    `Upstash-Callback-Forward-<Name>` / `Upstash-Failure-Callback-Forward-<Name>` are sent
    as `<Name>` to the callback / failure callback;
    `Upstash-Callback-<Option>` / `Upstash-Failure-Callback-<Option>` (Method, Timeout,
    Retries, Retry-Delay) configure the callback / failure-callback delivery itself.

    Response: one `PublishResponse` for a URL destination, or an array of them (one per
    endpoint) for a URL group. A deduplicated publish answers 202 with the existing message id
    and `deduplicated: true`.

    Args:
        destination (str):
        upstash_method (HttpMethod | Unset): HTTP method used to deliver a message (request side
            only).
        upstash_retries (int | Unset):
        upstash_retry_delay (str | Unset):
        upstash_delay (str | Unset):
        upstash_not_before (int | Unset):
        upstash_deduplication_id (str | Unset):
        upstash_content_based_deduplication (bool | Unset):
        upstash_timeout (str | Unset):
        upstash_callback (str | Unset):
        upstash_failure_callback (str | Unset):
        upstash_flow_control_key (str | Unset):
        upstash_flow_control_value (str | Unset):
        upstash_label (str | Unset):
        upstash_redact_fields (str | Unset):
        body (File | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | list[PublishResponse] | PublishResponse
    """

    return sync_detailed(
        destination=destination,
        client=client,
        body=body,
        upstash_method=upstash_method,
        upstash_retries=upstash_retries,
        upstash_retry_delay=upstash_retry_delay,
        upstash_delay=upstash_delay,
        upstash_not_before=upstash_not_before,
        upstash_deduplication_id=upstash_deduplication_id,
        upstash_content_based_deduplication=upstash_content_based_deduplication,
        upstash_timeout=upstash_timeout,
        upstash_callback=upstash_callback,
        upstash_failure_callback=upstash_failure_callback,
        upstash_flow_control_key=upstash_flow_control_key,
        upstash_flow_control_value=upstash_flow_control_value,
        upstash_label=upstash_label,
        upstash_redact_fields=upstash_redact_fields,
    ).parsed


async def asyncio_detailed(
    destination: str,
    *,
    client: AuthenticatedClient | Client,
    body: File | Unset = UNSET,
    upstash_method: HttpMethod | Unset = UNSET,
    upstash_retries: int | Unset = UNSET,
    upstash_retry_delay: str | Unset = UNSET,
    upstash_delay: str | Unset = UNSET,
    upstash_not_before: int | Unset = UNSET,
    upstash_deduplication_id: str | Unset = UNSET,
    upstash_content_based_deduplication: bool | Unset = UNSET,
    upstash_timeout: str | Unset = UNSET,
    upstash_callback: str | Unset = UNSET,
    upstash_failure_callback: str | Unset = UNSET,
    upstash_flow_control_key: str | Unset = UNSET,
    upstash_flow_control_value: str | Unset = UNSET,
    upstash_label: str | Unset = UNSET,
    upstash_redact_fields: str | Unset = UNSET,
) -> Response[Any | list[PublishResponse] | PublishResponse]:
    """Publish a message

     Publishes a message to a URL or to every endpoint of a URL group.

    The request body is the raw message body and is delivered to the destination unchanged;
    any media type is accepted and forwarded (the request's `Content-Type` becomes the
    delivery's `Content-Type`). The body is declared as `application/octet-stream` only
    because that is the one raw form code generators support.

    Delivery options are `Upstash-*` headers (parameters below). Headers whose names start
    with one of the prefixes in `x-upstash-header-families` cannot be described as OpenAPI
    parameters; they are listed there:
    `Upstash-Forward-<Name>` is delivered to the destination as `<Name>`;
    `Upstash-Callback-Forward-<Name>` / `Upstash-Failure-Callback-Forward-<Name>` are sent
    as `<Name>` to the callback / failure callback;
    `Upstash-Callback-<Option>` / `Upstash-Failure-Callback-<Option>` (Method, Timeout,
    Retries, Retry-Delay) configure the callback / failure-callback delivery itself.

    Response: one `PublishResponse` for a URL destination, or an array of them (one per
    endpoint) for a URL group. A deduplicated publish answers 202 with the existing message id
    and `deduplicated: true`.

    Args:
        destination (str):
        upstash_method (HttpMethod | Unset): HTTP method used to deliver a message (request side
            only).
        upstash_retries (int | Unset):
        upstash_retry_delay (str | Unset):
        upstash_delay (str | Unset):
        upstash_not_before (int | Unset):
        upstash_deduplication_id (str | Unset):
        upstash_content_based_deduplication (bool | Unset):
        upstash_timeout (str | Unset):
        upstash_callback (str | Unset):
        upstash_failure_callback (str | Unset):
        upstash_flow_control_key (str | Unset):
        upstash_flow_control_value (str | Unset):
        upstash_label (str | Unset):
        upstash_redact_fields (str | Unset):
        body (File | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | list[PublishResponse] | PublishResponse]
    """

    kwargs = _get_kwargs(
        destination=destination,
        body=body,
        upstash_method=upstash_method,
        upstash_retries=upstash_retries,
        upstash_retry_delay=upstash_retry_delay,
        upstash_delay=upstash_delay,
        upstash_not_before=upstash_not_before,
        upstash_deduplication_id=upstash_deduplication_id,
        upstash_content_based_deduplication=upstash_content_based_deduplication,
        upstash_timeout=upstash_timeout,
        upstash_callback=upstash_callback,
        upstash_failure_callback=upstash_failure_callback,
        upstash_flow_control_key=upstash_flow_control_key,
        upstash_flow_control_value=upstash_flow_control_value,
        upstash_label=upstash_label,
        upstash_redact_fields=upstash_redact_fields,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    destination: str,
    *,
    client: AuthenticatedClient | Client,
    body: File | Unset = UNSET,
    upstash_method: HttpMethod | Unset = UNSET,
    upstash_retries: int | Unset = UNSET,
    upstash_retry_delay: str | Unset = UNSET,
    upstash_delay: str | Unset = UNSET,
    upstash_not_before: int | Unset = UNSET,
    upstash_deduplication_id: str | Unset = UNSET,
    upstash_content_based_deduplication: bool | Unset = UNSET,
    upstash_timeout: str | Unset = UNSET,
    upstash_callback: str | Unset = UNSET,
    upstash_failure_callback: str | Unset = UNSET,
    upstash_flow_control_key: str | Unset = UNSET,
    upstash_flow_control_value: str | Unset = UNSET,
    upstash_label: str | Unset = UNSET,
    upstash_redact_fields: str | Unset = UNSET,
) -> Any | list[PublishResponse] | PublishResponse | None:
    """Publish a message

     Publishes a message to a URL or to every endpoint of a URL group.

    The request body is the raw message body and is delivered to the destination unchanged;
    any media type is accepted and forwarded (the request's `Content-Type` becomes the
    delivery's `Content-Type`). The body is declared as `application/octet-stream` only
    because that is the one raw form code generators support.

    Delivery options are `Upstash-*` headers (parameters below). Headers whose names start
    with one of the prefixes in `x-upstash-header-families` cannot be described as OpenAPI
    parameters; they are listed there:
    `Upstash-Forward-<Name>` is delivered to the destination as `<Name>`;
    `Upstash-Callback-Forward-<Name>` / `Upstash-Failure-Callback-Forward-<Name>` are sent
    as `<Name>` to the callback / failure callback;
    `Upstash-Callback-<Option>` / `Upstash-Failure-Callback-<Option>` (Method, Timeout,
    Retries, Retry-Delay) configure the callback / failure-callback delivery itself.

    Response: one `PublishResponse` for a URL destination, or an array of them (one per
    endpoint) for a URL group. A deduplicated publish answers 202 with the existing message id
    and `deduplicated: true`.

    Args:
        destination (str):
        upstash_method (HttpMethod | Unset): HTTP method used to deliver a message (request side
            only).
        upstash_retries (int | Unset):
        upstash_retry_delay (str | Unset):
        upstash_delay (str | Unset):
        upstash_not_before (int | Unset):
        upstash_deduplication_id (str | Unset):
        upstash_content_based_deduplication (bool | Unset):
        upstash_timeout (str | Unset):
        upstash_callback (str | Unset):
        upstash_failure_callback (str | Unset):
        upstash_flow_control_key (str | Unset):
        upstash_flow_control_value (str | Unset):
        upstash_label (str | Unset):
        upstash_redact_fields (str | Unset):
        body (File | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | list[PublishResponse] | PublishResponse
    """

    return (
        await asyncio_detailed(
            destination=destination,
            client=client,
            body=body,
            upstash_method=upstash_method,
            upstash_retries=upstash_retries,
            upstash_retry_delay=upstash_retry_delay,
            upstash_delay=upstash_delay,
            upstash_not_before=upstash_not_before,
            upstash_deduplication_id=upstash_deduplication_id,
            upstash_content_based_deduplication=upstash_content_based_deduplication,
            upstash_timeout=upstash_timeout,
            upstash_callback=upstash_callback,
            upstash_failure_callback=upstash_failure_callback,
            upstash_flow_control_key=upstash_flow_control_key,
            upstash_flow_control_value=upstash_flow_control_value,
            upstash_label=upstash_label,
            upstash_redact_fields=upstash_redact_fields,
        )
    ).parsed
