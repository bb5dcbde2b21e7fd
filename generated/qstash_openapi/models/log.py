from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.header_map import HeaderMap


T = TypeVar("T", bound="Log")


@_attrs_define
class Log:
    """One log entry (a state transition of a message).

    Attributes:
        time (int): Time of the transition, in unix milliseconds.
        message_id (str): The message id.
        state (str): New state: CREATED, ACTIVE, RETRY, ERROR, DELIVERED, FAILED, CANCEL_REQUESTED,
            CANCELED (the API reference spells CANCELLED), IN_PROGRESS. Other values may appear.
        error (str | Unset): Error of a failed delivery attempt.
        next_delivery_time (int | Unset): Time of the next delivery attempt, in unix milliseconds.
        url (str | Unset): Destination URL.
        topic_name (str | Unset): The URL group the message was published to.
        endpoint_name (str | Unset): Name of the URL-group endpoint.
        queue_name (str | Unset): The queue the message was enqueued to.
        schedule_id (str | Unset): The schedule that produced the message.
        method (str | Unset): HTTP method of the delivery: GET, POST, PUT, DELETE, PATCH.
        header (HeaderMap | Unset): HTTP headers as the server reports them, each name mapped to its list of values.
        body (str | Unset): The message body, base64-encoded.
        callback (str | Unset): Callback URL.
        failure_callback (str | Unset): Failure-callback URL.
        callback_header (HeaderMap | Unset): HTTP headers as the server reports them, each name mapped to its list of
            values.
        callback_headers (HeaderMap | Unset): HTTP headers as the server reports them, each name mapped to its list of
            values.
        failure_callback_header (HeaderMap | Unset): HTTP headers as the server reports them, each name mapped to its
            list of values.
        failure_callback_headers (HeaderMap | Unset): HTTP headers as the server reports them, each name mapped to its
            list of values.
        response_status (int | Unset): HTTP status of the delivery attempt (ERROR entries).
        response_header (HeaderMap | Unset): HTTP headers as the server reports them, each name mapped to its list of
            values.
        response_headers (HeaderMap | Unset): HTTP headers as the server reports them, each name mapped to its list of
            values.
        response_body (str | Unset): Body of the destination's response (ERROR entries).
        timeout (int | Unset): HTTP timeout of each delivery attempt, in milliseconds.
        max_retries (int | Unset): Number of retries after the first attempt.
        retry_delay_expr (str | Unset): Retry delay expression (milliseconds, over `retried`; spelling read by qstash-
            py).
        retry_delay_expression (str | Unset): Retry delay expression (spelling of the API reference).
        callerIP (str | Unset): IP address of the publisher (qstash-py spelling).
        callerIp (str | Unset): IP address of the publisher (API reference spelling).
        flow_control_key (str | Unset): Flow-control key.
        parallelism (int | Unset): Flow-control parallelism.
        rate (int | Unset): Flow-control rate (deliveries started per period).
        period (int | Unset): Flow-control rate period, in seconds.
        label (str | Unset): The label (single-label form, deprecated in favour of `labels`).
        labels (list[str] | Unset): The labels.
    """

    time: int
    message_id: str
    state: str
    error: str | Unset = UNSET
    next_delivery_time: int | Unset = UNSET
    url: str | Unset = UNSET
    topic_name: str | Unset = UNSET
    endpoint_name: str | Unset = UNSET
    queue_name: str | Unset = UNSET
    schedule_id: str | Unset = UNSET
    method: str | Unset = UNSET
    header: HeaderMap | Unset = UNSET
    body: str | Unset = UNSET
    callback: str | Unset = UNSET
    failure_callback: str | Unset = UNSET
    callback_header: HeaderMap | Unset = UNSET
    callback_headers: HeaderMap | Unset = UNSET
    failure_callback_header: HeaderMap | Unset = UNSET
    failure_callback_headers: HeaderMap | Unset = UNSET
    response_status: int | Unset = UNSET
    response_header: HeaderMap | Unset = UNSET
    response_headers: HeaderMap | Unset = UNSET
    response_body: str | Unset = UNSET
    timeout: int | Unset = UNSET
    max_retries: int | Unset = UNSET
    retry_delay_expr: str | Unset = UNSET
    retry_delay_expression: str | Unset = UNSET
    callerIP: str | Unset = UNSET
    callerIp: str | Unset = UNSET
    flow_control_key: str | Unset = UNSET
    parallelism: int | Unset = UNSET
    rate: int | Unset = UNSET
    period: int | Unset = UNSET
    label: str | Unset = UNSET
    labels: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        time = self.time

        message_id = self.message_id

        state = self.state

        error = self.error

        next_delivery_time = self.next_delivery_time

        url = self.url

        topic_name = self.topic_name

        endpoint_name = self.endpoint_name

        queue_name = self.queue_name

        schedule_id = self.schedule_id

        method = self.method

        header: dict[str, Any] | Unset = UNSET
        if not isinstance(self.header, Unset):
            header = self.header.to_dict()

        body = self.body

        callback = self.callback

        failure_callback = self.failure_callback

        callback_header: dict[str, Any] | Unset = UNSET
        if not isinstance(self.callback_header, Unset):
            callback_header = self.callback_header.to_dict()

        callback_headers: dict[str, Any] | Unset = UNSET
        if not isinstance(self.callback_headers, Unset):
            callback_headers = self.callback_headers.to_dict()

        failure_callback_header: dict[str, Any] | Unset = UNSET
        if not isinstance(self.failure_callback_header, Unset):
            failure_callback_header = self.failure_callback_header.to_dict()

        failure_callback_headers: dict[str, Any] | Unset = UNSET
        if not isinstance(self.failure_callback_headers, Unset):
            failure_callback_headers = self.failure_callback_headers.to_dict()

        response_status = self.response_status

        response_header: dict[str, Any] | Unset = UNSET
        if not isinstance(self.response_header, Unset):
            response_header = self.response_header.to_dict()

        response_headers: dict[str, Any] | Unset = UNSET
        if not isinstance(self.response_headers, Unset):
            response_headers = self.response_headers.to_dict()

        response_body = self.response_body

        timeout = self.timeout

        max_retries = self.max_retries

        retry_delay_expr = self.retry_delay_expr

        retry_delay_expression = self.retry_delay_expression

        callerIP = self.callerIP

        callerIp = self.callerIp

        flow_control_key = self.flow_control_key

        parallelism = self.parallelism

        rate = self.rate

        period = self.period

        label = self.label

        labels: list[str] | Unset = UNSET
        if not isinstance(self.labels, Unset):
            labels = self.labels

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "time": time,
                "messageId": message_id,
                "state": state,
            }
        )
        if error is not UNSET:
            field_dict["error"] = error
        if next_delivery_time is not UNSET:
            field_dict["nextDeliveryTime"] = next_delivery_time
        if url is not UNSET:
            field_dict["url"] = url
        if topic_name is not UNSET:
            field_dict["topicName"] = topic_name
        if endpoint_name is not UNSET:
            field_dict["endpointName"] = endpoint_name
        if queue_name is not UNSET:
            field_dict["queueName"] = queue_name
        if schedule_id is not UNSET:
            field_dict["scheduleId"] = schedule_id
        if method is not UNSET:
            field_dict["method"] = method
        if header is not UNSET:
            field_dict["header"] = header
        if body is not UNSET:
            field_dict["body"] = body
        if callback is not UNSET:
            field_dict["callback"] = callback
        if failure_callback is not UNSET:
            field_dict["failureCallback"] = failure_callback
        if callback_header is not UNSET:
            field_dict["callbackHeader"] = callback_header
        if callback_headers is not UNSET:
            field_dict["callbackHeaders"] = callback_headers
        if failure_callback_header is not UNSET:
            field_dict["failureCallbackHeader"] = failure_callback_header
        if failure_callback_headers is not UNSET:
            field_dict["failureCallbackHeaders"] = failure_callback_headers
        if response_status is not UNSET:
            field_dict["responseStatus"] = response_status
        if response_header is not UNSET:
            field_dict["responseHeader"] = response_header
        if response_headers is not UNSET:
            field_dict["responseHeaders"] = response_headers
        if response_body is not UNSET:
            field_dict["responseBody"] = response_body
        if timeout is not UNSET:
            field_dict["timeout"] = timeout
        if max_retries is not UNSET:
            field_dict["maxRetries"] = max_retries
        if retry_delay_expr is not UNSET:
            field_dict["retryDelayExpr"] = retry_delay_expr
        if retry_delay_expression is not UNSET:
            field_dict["retryDelayExpression"] = retry_delay_expression
        if callerIP is not UNSET:
            field_dict["callerIP"] = callerIP
        if callerIp is not UNSET:
            field_dict["callerIp"] = callerIp
        if flow_control_key is not UNSET:
            field_dict["flowControlKey"] = flow_control_key
        if parallelism is not UNSET:
            field_dict["parallelism"] = parallelism
        if rate is not UNSET:
            field_dict["rate"] = rate
        if period is not UNSET:
            field_dict["period"] = period
        if label is not UNSET:
            field_dict["label"] = label
        if labels is not UNSET:
            field_dict["labels"] = labels

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.header_map import HeaderMap

        d = dict(src_dict)
        time = d.pop("time")

        message_id = d.pop("messageId")

        state = d.pop("state")

        error = d.pop("error", UNSET)

        next_delivery_time = d.pop("nextDeliveryTime", UNSET)

        url = d.pop("url", UNSET)

        topic_name = d.pop("topicName", UNSET)

        endpoint_name = d.pop("endpointName", UNSET)

        queue_name = d.pop("queueName", UNSET)

        schedule_id = d.pop("scheduleId", UNSET)

        method = d.pop("method", UNSET)

        _header = d.pop("header", UNSET)
        header: HeaderMap | Unset
        if isinstance(_header, Unset):
            header = UNSET
        else:
            header = HeaderMap.from_dict(_header)

        body = d.pop("body", UNSET)

        callback = d.pop("callback", UNSET)

        failure_callback = d.pop("failureCallback", UNSET)

        _callback_header = d.pop("callbackHeader", UNSET)
        callback_header: HeaderMap | Unset
        if isinstance(_callback_header, Unset):
            callback_header = UNSET
        else:
            callback_header = HeaderMap.from_dict(_callback_header)

        _callback_headers = d.pop("callbackHeaders", UNSET)
        callback_headers: HeaderMap | Unset
        if isinstance(_callback_headers, Unset):
            callback_headers = UNSET
        else:
            callback_headers = HeaderMap.from_dict(_callback_headers)

        _failure_callback_header = d.pop("failureCallbackHeader", UNSET)
        failure_callback_header: HeaderMap | Unset
        if isinstance(_failure_callback_header, Unset):
            failure_callback_header = UNSET
        else:
            failure_callback_header = HeaderMap.from_dict(_failure_callback_header)

        _failure_callback_headers = d.pop("failureCallbackHeaders", UNSET)
        failure_callback_headers: HeaderMap | Unset
        if isinstance(_failure_callback_headers, Unset):
            failure_callback_headers = UNSET
        else:
            failure_callback_headers = HeaderMap.from_dict(_failure_callback_headers)

        response_status = d.pop("responseStatus", UNSET)

        _response_header = d.pop("responseHeader", UNSET)
        response_header: HeaderMap | Unset
        if isinstance(_response_header, Unset):
            response_header = UNSET
        else:
            response_header = HeaderMap.from_dict(_response_header)

        _response_headers = d.pop("responseHeaders", UNSET)
        response_headers: HeaderMap | Unset
        if isinstance(_response_headers, Unset):
            response_headers = UNSET
        else:
            response_headers = HeaderMap.from_dict(_response_headers)

        response_body = d.pop("responseBody", UNSET)

        timeout = d.pop("timeout", UNSET)

        max_retries = d.pop("maxRetries", UNSET)

        retry_delay_expr = d.pop("retryDelayExpr", UNSET)

        retry_delay_expression = d.pop("retryDelayExpression", UNSET)

        callerIP = d.pop("callerIP", UNSET)

        callerIp = d.pop("callerIp", UNSET)

        flow_control_key = d.pop("flowControlKey", UNSET)

        parallelism = d.pop("parallelism", UNSET)

        rate = d.pop("rate", UNSET)

        period = d.pop("period", UNSET)

        label = d.pop("label", UNSET)

        labels = cast(list[str], d.pop("labels", UNSET))

        log = cls(
            time=time,
            message_id=message_id,
            state=state,
            error=error,
            next_delivery_time=next_delivery_time,
            url=url,
            topic_name=topic_name,
            endpoint_name=endpoint_name,
            queue_name=queue_name,
            schedule_id=schedule_id,
            method=method,
            header=header,
            body=body,
            callback=callback,
            failure_callback=failure_callback,
            callback_header=callback_header,
            callback_headers=callback_headers,
            failure_callback_header=failure_callback_header,
            failure_callback_headers=failure_callback_headers,
            response_status=response_status,
            response_header=response_header,
            response_headers=response_headers,
            response_body=response_body,
            timeout=timeout,
            max_retries=max_retries,
            retry_delay_expr=retry_delay_expr,
            retry_delay_expression=retry_delay_expression,
            callerIP=callerIP,
            callerIp=callerIp,
            flow_control_key=flow_control_key,
            parallelism=parallelism,
            rate=rate,
            period=period,
            label=label,
            labels=labels,
        )

        log.additional_properties = d
        return log

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
