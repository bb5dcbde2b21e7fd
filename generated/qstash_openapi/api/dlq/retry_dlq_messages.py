from http import HTTPStatus
from typing import Any, cast

import httpx

from ...client import AuthenticatedClient, Client
from ...models.retry_dlq_messages_response import RetryDlqMessagesResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    dlq_ids: list[str] | Unset = UNSET,
    cursor: str | Unset = UNSET,
    count: int | Unset = UNSET,
    message_id: str | Unset = UNSET,
    url_query: list[str] | Unset = UNSET,
    topic_name: list[str] | Unset = UNSET,
    schedule_id: list[str] | Unset = UNSET,
    queue_name: list[str] | Unset = UNSET,
    label: list[str] | Unset = UNSET,
    flow_control_key: list[str] | Unset = UNSET,
    caller_ip: list[str] | Unset = UNSET,
    response_status: int | Unset = UNSET,
    from_date: int | Unset = UNSET,
    to_date: int | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_dlq_ids: list[str] | Unset = UNSET
    if not isinstance(dlq_ids, Unset):
        json_dlq_ids = dlq_ids

    params["dlqIds"] = json_dlq_ids

    params["cursor"] = cursor

    params["count"] = count

    params["messageId"] = message_id

    json_url_query: list[str] | Unset = UNSET
    if not isinstance(url_query, Unset):
        json_url_query = url_query

    params["url"] = json_url_query

    json_topic_name: list[str] | Unset = UNSET
    if not isinstance(topic_name, Unset):
        json_topic_name = topic_name

    params["topicName"] = json_topic_name

    json_schedule_id: list[str] | Unset = UNSET
    if not isinstance(schedule_id, Unset):
        json_schedule_id = schedule_id

    params["scheduleId"] = json_schedule_id

    json_queue_name: list[str] | Unset = UNSET
    if not isinstance(queue_name, Unset):
        json_queue_name = queue_name

    params["queueName"] = json_queue_name

    json_label: list[str] | Unset = UNSET
    if not isinstance(label, Unset):
        json_label = label

    params["label"] = json_label

    json_flow_control_key: list[str] | Unset = UNSET
    if not isinstance(flow_control_key, Unset):
        json_flow_control_key = flow_control_key

    params["flowControlKey"] = json_flow_control_key

    json_caller_ip: list[str] | Unset = UNSET
    if not isinstance(caller_ip, Unset):
        json_caller_ip = caller_ip

    params["callerIp"] = json_caller_ip

    params["responseStatus"] = response_status

    params["fromDate"] = from_date

    params["toDate"] = to_date

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v2/dlq/retry",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | RetryDlqMessagesResponse:
    if response.status_code == 200:
        response_200 = RetryDlqMessagesResponse.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = RetryDlqMessagesResponse.from_dict(response.json())

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
) -> Response[Any | RetryDlqMessagesResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    dlq_ids: list[str] | Unset = UNSET,
    cursor: str | Unset = UNSET,
    count: int | Unset = UNSET,
    message_id: str | Unset = UNSET,
    url_query: list[str] | Unset = UNSET,
    topic_name: list[str] | Unset = UNSET,
    schedule_id: list[str] | Unset = UNSET,
    queue_name: list[str] | Unset = UNSET,
    label: list[str] | Unset = UNSET,
    flow_control_key: list[str] | Unset = UNSET,
    caller_ip: list[str] | Unset = UNSET,
    response_status: int | Unset = UNSET,
    from_date: int | Unset = UNSET,
    to_date: int | Unset = UNSET,
) -> Response[Any | RetryDlqMessagesResponse]:
    """Retry DLQ messages in bulk

     Publishes the selected DLQ entries again (by `dlqIds`, or by filters up to `count` per
    call) and removes them. Continue with the returned `cursor` until it is empty or absent.
    The server answers 201.

    Args:
        dlq_ids (list[str] | Unset):
        cursor (str | Unset):
        count (int | Unset):
        message_id (str | Unset):
        url_query (list[str] | Unset):
        topic_name (list[str] | Unset):
        schedule_id (list[str] | Unset):
        queue_name (list[str] | Unset):
        label (list[str] | Unset):
        flow_control_key (list[str] | Unset):
        caller_ip (list[str] | Unset):
        response_status (int | Unset):
        from_date (int | Unset):
        to_date (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | RetryDlqMessagesResponse]
    """

    kwargs = _get_kwargs(
        dlq_ids=dlq_ids,
        cursor=cursor,
        count=count,
        message_id=message_id,
        url_query=url_query,
        topic_name=topic_name,
        schedule_id=schedule_id,
        queue_name=queue_name,
        label=label,
        flow_control_key=flow_control_key,
        caller_ip=caller_ip,
        response_status=response_status,
        from_date=from_date,
        to_date=to_date,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    dlq_ids: list[str] | Unset = UNSET,
    cursor: str | Unset = UNSET,
    count: int | Unset = UNSET,
    message_id: str | Unset = UNSET,
    url_query: list[str] | Unset = UNSET,
    topic_name: list[str] | Unset = UNSET,
    schedule_id: list[str] | Unset = UNSET,
    queue_name: list[str] | Unset = UNSET,
    label: list[str] | Unset = UNSET,
    flow_control_key: list[str] | Unset = UNSET,
    caller_ip: list[str] | Unset = UNSET,
    response_status: int | Unset = UNSET,
    from_date: int | Unset = UNSET,
    to_date: int | Unset = UNSET,
) -> Any | RetryDlqMessagesResponse | None:
    """Retry DLQ messages in bulk

     Publishes the selected DLQ entries again (by `dlqIds`, or by filters up to `count` per
    call) and removes them. Continue with the returned `cursor` until it is empty or absent.
    The server answers 201.

    Args:
        dlq_ids (list[str] | Unset):
        cursor (str | Unset):
        count (int | Unset):
        message_id (str | Unset):
        url_query (list[str] | Unset):
        topic_name (list[str] | Unset):
        schedule_id (list[str] | Unset):
        queue_name (list[str] | Unset):
        label (list[str] | Unset):
        flow_control_key (list[str] | Unset):
        caller_ip (list[str] | Unset):
        response_status (int | Unset):
        from_date (int | Unset):
        to_date (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | RetryDlqMessagesResponse
    """

    return sync_detailed(
        client=client,
        dlq_ids=dlq_ids,
        cursor=cursor,
        count=count,
        message_id=message_id,
        url_query=url_query,
        topic_name=topic_name,
        schedule_id=schedule_id,
        queue_name=queue_name,
        label=label,
        flow_control_key=flow_control_key,
        caller_ip=caller_ip,
        response_status=response_status,
        from_date=from_date,
        to_date=to_date,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    dlq_ids: list[str] | Unset = UNSET,
    cursor: str | Unset = UNSET,
    count: int | Unset = UNSET,
    message_id: str | Unset = UNSET,
    url_query: list[str] | Unset = UNSET,
    topic_name: list[str] | Unset = UNSET,
    schedule_id: list[str] | Unset = UNSET,
    queue_name: list[str] | Unset = UNSET,
    label: list[str] | Unset = UNSET,
    flow_control_key: list[str] | Unset = UNSET,
    caller_ip: list[str] | Unset = UNSET,
    response_status: int | Unset = UNSET,
    from_date: int | Unset = UNSET,
    to_date: int | Unset = UNSET,
) -> Response[Any | RetryDlqMessagesResponse]:
    """Retry DLQ messages in bulk

     Publishes the selected DLQ entries again (by `dlqIds`, or by filters up to `count` per
    call) and removes them. Continue with the returned `cursor` until it is empty or absent.
    The server answers 201.

    Args:
        dlq_ids (list[str] | Unset):
        cursor (str | Unset):
        count (int | Unset):
        message_id (str | Unset):
        url_query (list[str] | Unset):
        topic_name (list[str] | Unset):
        schedule_id (list[str] | Unset):
        queue_name (list[str] | Unset):
        label (list[str] | Unset):
        flow_control_key (list[str] | Unset):
        caller_ip (list[str] | Unset):
        response_status (int | Unset):
        from_date (int | Unset):
        to_date (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | RetryDlqMessagesResponse]
    """

    kwargs = _get_kwargs(
        dlq_ids=dlq_ids,
        cursor=cursor,
        count=count,
        message_id=message_id,
        url_query=url_query,
        topic_name=topic_name,
        schedule_id=schedule_id,
        queue_name=queue_name,
        label=label,
        flow_control_key=flow_control_key,
        caller_ip=caller_ip,
        response_status=response_status,
        from_date=from_date,
        to_date=to_date,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    dlq_ids: list[str] | Unset = UNSET,
    cursor: str | Unset = UNSET,
    count: int | Unset = UNSET,
    message_id: str | Unset = UNSET,
    url_query: list[str] | Unset = UNSET,
    topic_name: list[str] | Unset = UNSET,
    schedule_id: list[str] | Unset = UNSET,
    queue_name: list[str] | Unset = UNSET,
    label: list[str] | Unset = UNSET,
    flow_control_key: list[str] | Unset = UNSET,
    caller_ip: list[str] | Unset = UNSET,
    response_status: int | Unset = UNSET,
    from_date: int | Unset = UNSET,
    to_date: int | Unset = UNSET,
) -> Any | RetryDlqMessagesResponse | None:
    """Retry DLQ messages in bulk

     Publishes the selected DLQ entries again (by `dlqIds`, or by filters up to `count` per
    call) and removes them. Continue with the returned `cursor` until it is empty or absent.
    The server answers 201.

    Args:
        dlq_ids (list[str] | Unset):
        cursor (str | Unset):
        count (int | Unset):
        message_id (str | Unset):
        url_query (list[str] | Unset):
        topic_name (list[str] | Unset):
        schedule_id (list[str] | Unset):
        queue_name (list[str] | Unset):
        label (list[str] | Unset):
        flow_control_key (list[str] | Unset):
        caller_ip (list[str] | Unset):
        response_status (int | Unset):
        from_date (int | Unset):
        to_date (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | RetryDlqMessagesResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            dlq_ids=dlq_ids,
            cursor=cursor,
            count=count,
            message_id=message_id,
            url_query=url_query,
            topic_name=topic_name,
            schedule_id=schedule_id,
            queue_name=queue_name,
            label=label,
            flow_control_key=flow_control_key,
            caller_ip=caller_ip,
            response_status=response_status,
            from_date=from_date,
            to_date=to_date,
        )
    ).parsed
