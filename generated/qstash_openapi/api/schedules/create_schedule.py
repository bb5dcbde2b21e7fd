from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.create_schedule_response import CreateScheduleResponse
from ...models.http_method import HttpMethod
from ...types import UNSET, File, Response, Unset


def _get_kwargs(
    destination: str,
    *,
    body: File | Unset = UNSET,
    upstash_cron: str,
    upstash_schedule_id: str | Unset = UNSET,
    upstash_queue_name: str | Unset = UNSET,
    upstash_method: HttpMethod | Unset = UNSET,
    upstash_retries: int | Unset = UNSET,
    upstash_retry_delay: str | Unset = UNSET,
    upstash_delay: str | Unset = UNSET,
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
    headers["Upstash-Cron"] = upstash_cron

    if not isinstance(upstash_schedule_id, Unset):
        headers["Upstash-Schedule-Id"] = upstash_schedule_id

    if not isinstance(upstash_queue_name, Unset):
        headers["Upstash-Queue-Name"] = upstash_queue_name

    if not isinstance(upstash_method, Unset):
        headers["Upstash-Method"] = str(upstash_method)

    if not isinstance(upstash_retries, Unset):
        headers["Upstash-Retries"] = str(upstash_retries)

    if not isinstance(upstash_retry_delay, Unset):
        headers["Upstash-Retry-Delay"] = upstash_retry_delay

    if not isinstance(upstash_delay, Unset):
        headers["Upstash-Delay"] = upstash_delay

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
        "url": "/v2/schedules/{destination}".format(
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
) -> Any | CreateScheduleResponse:
    if response.status_code == 200:
        response_200 = CreateScheduleResponse.from_dict(response.json())

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
) -> Response[Any | CreateScheduleResponse]:
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
    upstash_cron: str,
    upstash_schedule_id: str | Unset = UNSET,
    upstash_queue_name: str | Unset = UNSET,
    upstash_method: HttpMethod | Unset = UNSET,
    upstash_retries: int | Unset = UNSET,
    upstash_retry_delay: str | Unset = UNSET,
    upstash_delay: str | Unset = UNSET,
    upstash_deduplication_id: str | Unset = UNSET,
    upstash_content_based_deduplication: bool | Unset = UNSET,
    upstash_timeout: str | Unset = UNSET,
    upstash_callback: str | Unset = UNSET,
    upstash_failure_callback: str | Unset = UNSET,
    upstash_flow_control_key: str | Unset = UNSET,
    upstash_flow_control_value: str | Unset = UNSET,
    upstash_label: str | Unset = UNSET,
    upstash_redact_fields: str | Unset = UNSET,
) -> Response[Any | CreateScheduleResponse]:
    """Create or update a schedule

     Creates a schedule that publishes the given body to the destination on every tick of the
    cron expression (`Upstash-Cron`; 5 fields, UTC unless prefixed with `CRON_TZ=<IANA zone> `).
    With `Upstash-Schedule-Id` an existing schedule with that id is updated in place. With
    `Upstash-Queue-Name` every produced message is enqueued to that queue.

    The request body is the raw message body (any media type is accepted and forwarded; the
    JS SDK sends `Content-Type: application/json` when the caller sets none). The message
    option headers are those of `publishMessage` except `Upstash-Not-Before`; the header
    families in `x-upstash-header-families` (`Upstash-Forward-*`, `Upstash-Callback-*`,
    `Upstash-Callback-Forward-*`, `Upstash-Failure-Callback-*`,
    `Upstash-Failure-Callback-Forward-*`) apply to every produced message.

    Args:
        destination (str):
        upstash_cron (str):
        upstash_schedule_id (str | Unset):
        upstash_queue_name (str | Unset):
        upstash_method (HttpMethod | Unset): HTTP method used to deliver a message (request side
            only).
        upstash_retries (int | Unset):
        upstash_retry_delay (str | Unset):
        upstash_delay (str | Unset):
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
        Response[Any | CreateScheduleResponse]
    """

    kwargs = _get_kwargs(
        destination=destination,
        body=body,
        upstash_cron=upstash_cron,
        upstash_schedule_id=upstash_schedule_id,
        upstash_queue_name=upstash_queue_name,
        upstash_method=upstash_method,
        upstash_retries=upstash_retries,
        upstash_retry_delay=upstash_retry_delay,
        upstash_delay=upstash_delay,
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
    upstash_cron: str,
    upstash_schedule_id: str | Unset = UNSET,
    upstash_queue_name: str | Unset = UNSET,
    upstash_method: HttpMethod | Unset = UNSET,
    upstash_retries: int | Unset = UNSET,
    upstash_retry_delay: str | Unset = UNSET,
    upstash_delay: str | Unset = UNSET,
    upstash_deduplication_id: str | Unset = UNSET,
    upstash_content_based_deduplication: bool | Unset = UNSET,
    upstash_timeout: str | Unset = UNSET,
    upstash_callback: str | Unset = UNSET,
    upstash_failure_callback: str | Unset = UNSET,
    upstash_flow_control_key: str | Unset = UNSET,
    upstash_flow_control_value: str | Unset = UNSET,
    upstash_label: str | Unset = UNSET,
    upstash_redact_fields: str | Unset = UNSET,
) -> Any | CreateScheduleResponse | None:
    """Create or update a schedule

     Creates a schedule that publishes the given body to the destination on every tick of the
    cron expression (`Upstash-Cron`; 5 fields, UTC unless prefixed with `CRON_TZ=<IANA zone> `).
    With `Upstash-Schedule-Id` an existing schedule with that id is updated in place. With
    `Upstash-Queue-Name` every produced message is enqueued to that queue.

    The request body is the raw message body (any media type is accepted and forwarded; the
    JS SDK sends `Content-Type: application/json` when the caller sets none). The message
    option headers are those of `publishMessage` except `Upstash-Not-Before`; the header
    families in `x-upstash-header-families` (`Upstash-Forward-*`, `Upstash-Callback-*`,
    `Upstash-Callback-Forward-*`, `Upstash-Failure-Callback-*`,
    `Upstash-Failure-Callback-Forward-*`) apply to every produced message.

    Args:
        destination (str):
        upstash_cron (str):
        upstash_schedule_id (str | Unset):
        upstash_queue_name (str | Unset):
        upstash_method (HttpMethod | Unset): HTTP method used to deliver a message (request side
            only).
        upstash_retries (int | Unset):
        upstash_retry_delay (str | Unset):
        upstash_delay (str | Unset):
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
        Any | CreateScheduleResponse
    """

    return sync_detailed(
        destination=destination,
        client=client,
        body=body,
        upstash_cron=upstash_cron,
        upstash_schedule_id=upstash_schedule_id,
        upstash_queue_name=upstash_queue_name,
        upstash_method=upstash_method,
        upstash_retries=upstash_retries,
        upstash_retry_delay=upstash_retry_delay,
        upstash_delay=upstash_delay,
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
    upstash_cron: str,
    upstash_schedule_id: str | Unset = UNSET,
    upstash_queue_name: str | Unset = UNSET,
    upstash_method: HttpMethod | Unset = UNSET,
    upstash_retries: int | Unset = UNSET,
    upstash_retry_delay: str | Unset = UNSET,
    upstash_delay: str | Unset = UNSET,
    upstash_deduplication_id: str | Unset = UNSET,
    upstash_content_based_deduplication: bool | Unset = UNSET,
    upstash_timeout: str | Unset = UNSET,
    upstash_callback: str | Unset = UNSET,
    upstash_failure_callback: str | Unset = UNSET,
    upstash_flow_control_key: str | Unset = UNSET,
    upstash_flow_control_value: str | Unset = UNSET,
    upstash_label: str | Unset = UNSET,
    upstash_redact_fields: str | Unset = UNSET,
) -> Response[Any | CreateScheduleResponse]:
    """Create or update a schedule

     Creates a schedule that publishes the given body to the destination on every tick of the
    cron expression (`Upstash-Cron`; 5 fields, UTC unless prefixed with `CRON_TZ=<IANA zone> `).
    With `Upstash-Schedule-Id` an existing schedule with that id is updated in place. With
    `Upstash-Queue-Name` every produced message is enqueued to that queue.

    The request body is the raw message body (any media type is accepted and forwarded; the
    JS SDK sends `Content-Type: application/json` when the caller sets none). The message
    option headers are those of `publishMessage` except `Upstash-Not-Before`; the header
    families in `x-upstash-header-families` (`Upstash-Forward-*`, `Upstash-Callback-*`,
    `Upstash-Callback-Forward-*`, `Upstash-Failure-Callback-*`,
    `Upstash-Failure-Callback-Forward-*`) apply to every produced message.

    Args:
        destination (str):
        upstash_cron (str):
        upstash_schedule_id (str | Unset):
        upstash_queue_name (str | Unset):
        upstash_method (HttpMethod | Unset): HTTP method used to deliver a message (request side
            only).
        upstash_retries (int | Unset):
        upstash_retry_delay (str | Unset):
        upstash_delay (str | Unset):
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
        Response[Any | CreateScheduleResponse]
    """

    kwargs = _get_kwargs(
        destination=destination,
        body=body,
        upstash_cron=upstash_cron,
        upstash_schedule_id=upstash_schedule_id,
        upstash_queue_name=upstash_queue_name,
        upstash_method=upstash_method,
        upstash_retries=upstash_retries,
        upstash_retry_delay=upstash_retry_delay,
        upstash_delay=upstash_delay,
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
    upstash_cron: str,
    upstash_schedule_id: str | Unset = UNSET,
    upstash_queue_name: str | Unset = UNSET,
    upstash_method: HttpMethod | Unset = UNSET,
    upstash_retries: int | Unset = UNSET,
    upstash_retry_delay: str | Unset = UNSET,
    upstash_delay: str | Unset = UNSET,
    upstash_deduplication_id: str | Unset = UNSET,
    upstash_content_based_deduplication: bool | Unset = UNSET,
    upstash_timeout: str | Unset = UNSET,
    upstash_callback: str | Unset = UNSET,
    upstash_failure_callback: str | Unset = UNSET,
    upstash_flow_control_key: str | Unset = UNSET,
    upstash_flow_control_value: str | Unset = UNSET,
    upstash_label: str | Unset = UNSET,
    upstash_redact_fields: str | Unset = UNSET,
) -> Any | CreateScheduleResponse | None:
    """Create or update a schedule

     Creates a schedule that publishes the given body to the destination on every tick of the
    cron expression (`Upstash-Cron`; 5 fields, UTC unless prefixed with `CRON_TZ=<IANA zone> `).
    With `Upstash-Schedule-Id` an existing schedule with that id is updated in place. With
    `Upstash-Queue-Name` every produced message is enqueued to that queue.

    The request body is the raw message body (any media type is accepted and forwarded; the
    JS SDK sends `Content-Type: application/json` when the caller sets none). The message
    option headers are those of `publishMessage` except `Upstash-Not-Before`; the header
    families in `x-upstash-header-families` (`Upstash-Forward-*`, `Upstash-Callback-*`,
    `Upstash-Callback-Forward-*`, `Upstash-Failure-Callback-*`,
    `Upstash-Failure-Callback-Forward-*`) apply to every produced message.

    Args:
        destination (str):
        upstash_cron (str):
        upstash_schedule_id (str | Unset):
        upstash_queue_name (str | Unset):
        upstash_method (HttpMethod | Unset): HTTP method used to deliver a message (request side
            only).
        upstash_retries (int | Unset):
        upstash_retry_delay (str | Unset):
        upstash_delay (str | Unset):
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
        Any | CreateScheduleResponse
    """

    return (
        await asyncio_detailed(
            destination=destination,
            client=client,
            body=body,
            upstash_cron=upstash_cron,
            upstash_schedule_id=upstash_schedule_id,
            upstash_queue_name=upstash_queue_name,
            upstash_method=upstash_method,
            upstash_retries=upstash_retries,
            upstash_retry_delay=upstash_retry_delay,
            upstash_delay=upstash_delay,
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
