from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.header_map import HeaderMap


T = TypeVar("T", bound="Message")


@_attrs_define
class Message:
    """A pending message.

    Attributes:
        message_id (str): The message id.
        url (str | Unset): Destination URL (the endpoint URL for URL-group messages).
        topic_name (str | Unset): The URL group the message was published to.
        endpoint_name (str | Unset): Name of the URL-group endpoint this message goes to.
        queue_name (str | Unset): The queue the message was enqueued to.
        api (str | Unset): The API name for API destinations (for example `llm`).
        method (str | Unset): HTTP method of the delivery: GET, POST, PUT, DELETE, PATCH.
        header (HeaderMap | Unset): HTTP headers as the server reports them, each name mapped to its list of values.
        body (str | Unset): The body, when it is valid UTF-8.
        body_base_64 (str | Unset): The body in base64, when it is not valid UTF-8.
        callback_header (HeaderMap | Unset): HTTP headers as the server reports them, each name mapped to its list of
            values.
        callback_headers (HeaderMap | Unset): HTTP headers as the server reports them, each name mapped to its list of
            values.
        failure_callback_header (HeaderMap | Unset): HTTP headers as the server reports them, each name mapped to its
            list of values.
        failure_callback_headers (HeaderMap | Unset): HTTP headers as the server reports them, each name mapped to its
            list of values.
        max_retries (int | Unset): Number of retries after the first attempt.
        retry_delay_expression (str | Unset): Retry delay expression (milliseconds, over `retried`).
        retry_delay_expr (str | Unset): Retry delay expression under its short name (as read by qstash-py for logs).
        not_before (int | Unset): Earliest delivery time, in unix milliseconds.
        created_at (int | Unset): Creation time, in unix milliseconds.
        timeout (int | Unset): HTTP timeout of each delivery attempt, in seconds.
        callback (str | Unset): Callback URL.
        failure_callback (str | Unset): Failure-callback URL.
        schedule_id (str | Unset): The schedule that produced this message.
        callerIP (str | Unset): IP address of the publisher (spelling read by qstash-py).
        callerIp (str | Unset): IP address of the publisher (spelling of the API reference and qstash-js).
        flow_control_key (str | Unset): Flow-control key.
        parallelism (int | Unset): Flow-control parallelism.
        rate (int | Unset): Flow-control rate (deliveries started per period).
        rate_per_second (int | Unset): Deprecated alias of `rate`.
        period (int | Unset): Flow-control rate period, in seconds.
        label (str | Unset): The label (single-label form, deprecated in favour of `labels`).
        labels (list[str] | Unset): The labels.
    """

    message_id: str
    url: str | Unset = UNSET
    topic_name: str | Unset = UNSET
    endpoint_name: str | Unset = UNSET
    queue_name: str | Unset = UNSET
    api: str | Unset = UNSET
    method: str | Unset = UNSET
    header: HeaderMap | Unset = UNSET
    body: str | Unset = UNSET
    body_base_64: str | Unset = UNSET
    callback_header: HeaderMap | Unset = UNSET
    callback_headers: HeaderMap | Unset = UNSET
    failure_callback_header: HeaderMap | Unset = UNSET
    failure_callback_headers: HeaderMap | Unset = UNSET
    max_retries: int | Unset = UNSET
    retry_delay_expression: str | Unset = UNSET
    retry_delay_expr: str | Unset = UNSET
    not_before: int | Unset = UNSET
    created_at: int | Unset = UNSET
    timeout: int | Unset = UNSET
    callback: str | Unset = UNSET
    failure_callback: str | Unset = UNSET
    schedule_id: str | Unset = UNSET
    callerIP: str | Unset = UNSET
    callerIp: str | Unset = UNSET
    flow_control_key: str | Unset = UNSET
    parallelism: int | Unset = UNSET
    rate: int | Unset = UNSET
    rate_per_second: int | Unset = UNSET
    period: int | Unset = UNSET
    label: str | Unset = UNSET
    labels: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        message_id = self.message_id

        url = self.url

        topic_name = self.topic_name

        endpoint_name = self.endpoint_name

        queue_name = self.queue_name

        api = self.api

        method = self.method

        header: dict[str, Any] | Unset = UNSET
        if not isinstance(self.header, Unset):
            header = self.header.to_dict()

        body = self.body

        body_base_64 = self.body_base_64

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

        max_retries = self.max_retries

        retry_delay_expression = self.retry_delay_expression

        retry_delay_expr = self.retry_delay_expr

        not_before = self.not_before

        created_at = self.created_at

        timeout = self.timeout

        callback = self.callback

        failure_callback = self.failure_callback

        schedule_id = self.schedule_id

        callerIP = self.callerIP

        callerIp = self.callerIp

        flow_control_key = self.flow_control_key

        parallelism = self.parallelism

        rate = self.rate

        rate_per_second = self.rate_per_second

        period = self.period

        label = self.label

        labels: list[str] | Unset = UNSET
        if not isinstance(self.labels, Unset):
            labels = self.labels

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "messageId": message_id,
            }
        )
        if url is not UNSET:
            field_dict["url"] = url
        if topic_name is not UNSET:
            field_dict["topicName"] = topic_name
        if endpoint_name is not UNSET:
            field_dict["endpointName"] = endpoint_name
        if queue_name is not UNSET:
            field_dict["queueName"] = queue_name
        if api is not UNSET:
            field_dict["api"] = api
        if method is not UNSET:
            field_dict["method"] = method
        if header is not UNSET:
            field_dict["header"] = header
        if body is not UNSET:
            field_dict["body"] = body
        if body_base_64 is not UNSET:
            field_dict["bodyBase64"] = body_base_64
        if callback_header is not UNSET:
            field_dict["callbackHeader"] = callback_header
        if callback_headers is not UNSET:
            field_dict["callbackHeaders"] = callback_headers
        if failure_callback_header is not UNSET:
            field_dict["failureCallbackHeader"] = failure_callback_header
        if failure_callback_headers is not UNSET:
            field_dict["failureCallbackHeaders"] = failure_callback_headers
        if max_retries is not UNSET:
            field_dict["maxRetries"] = max_retries
        if retry_delay_expression is not UNSET:
            field_dict["retryDelayExpression"] = retry_delay_expression
        if retry_delay_expr is not UNSET:
            field_dict["retryDelayExpr"] = retry_delay_expr
        if not_before is not UNSET:
            field_dict["notBefore"] = not_before
        if created_at is not UNSET:
            field_dict["createdAt"] = created_at
        if timeout is not UNSET:
            field_dict["timeout"] = timeout
        if callback is not UNSET:
            field_dict["callback"] = callback
        if failure_callback is not UNSET:
            field_dict["failureCallback"] = failure_callback
        if schedule_id is not UNSET:
            field_dict["scheduleId"] = schedule_id
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
        if rate_per_second is not UNSET:
            field_dict["ratePerSecond"] = rate_per_second
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
        message_id = d.pop("messageId")

        url = d.pop("url", UNSET)

        topic_name = d.pop("topicName", UNSET)

        endpoint_name = d.pop("endpointName", UNSET)

        queue_name = d.pop("queueName", UNSET)

        api = d.pop("api", UNSET)

        method = d.pop("method", UNSET)

        _header = d.pop("header", UNSET)
        header: HeaderMap | Unset
        if isinstance(_header, Unset):
            header = UNSET
        else:
            header = HeaderMap.from_dict(_header)

        body = d.pop("body", UNSET)

        body_base_64 = d.pop("bodyBase64", UNSET)

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

        max_retries = d.pop("maxRetries", UNSET)

        retry_delay_expression = d.pop("retryDelayExpression", UNSET)

        retry_delay_expr = d.pop("retryDelayExpr", UNSET)

        not_before = d.pop("notBefore", UNSET)

        created_at = d.pop("createdAt", UNSET)

        timeout = d.pop("timeout", UNSET)

        callback = d.pop("callback", UNSET)

        failure_callback = d.pop("failureCallback", UNSET)

        schedule_id = d.pop("scheduleId", UNSET)

        callerIP = d.pop("callerIP", UNSET)

        callerIp = d.pop("callerIp", UNSET)

        flow_control_key = d.pop("flowControlKey", UNSET)

        parallelism = d.pop("parallelism", UNSET)

        rate = d.pop("rate", UNSET)

        rate_per_second = d.pop("ratePerSecond", UNSET)

        period = d.pop("period", UNSET)

        label = d.pop("label", UNSET)

        labels = cast(list[str], d.pop("labels", UNSET))

        message = cls(
            message_id=message_id,
            url=url,
            topic_name=topic_name,
            endpoint_name=endpoint_name,
            queue_name=queue_name,
            api=api,
            method=method,
            header=header,
            body=body,
            body_base_64=body_base_64,
            callback_header=callback_header,
            callback_headers=callback_headers,
            failure_callback_header=failure_callback_header,
            failure_callback_headers=failure_callback_headers,
            max_retries=max_retries,
            retry_delay_expression=retry_delay_expression,
            retry_delay_expr=retry_delay_expr,
            not_before=not_before,
            created_at=created_at,
            timeout=timeout,
            callback=callback,
            failure_callback=failure_callback,
            schedule_id=schedule_id,
            callerIP=callerIP,
            callerIp=callerIp,
            flow_control_key=flow_control_key,
            parallelism=parallelism,
            rate=rate,
            rate_per_second=rate_per_second,
            period=period,
            label=label,
            labels=labels,
        )

        message.additional_properties = d
        return message

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
