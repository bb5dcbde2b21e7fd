from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.header_map import HeaderMap
    from ..models.schedule_last_schedule_states import ScheduleLastScheduleStates


T = TypeVar("T", bound="Schedule")


@_attrs_define
class Schedule:
    """A schedule.

    Attributes:
        schedule_id (str): The schedule id.
        cron (str): The cron expression.
        destination (str): Destination URL or URL-group name.
        created_at (int): Creation time, in unix milliseconds.
        is_paused (bool | Unset): Whether the schedule is paused; absent means false.
        method (str | Unset): HTTP method of the produced messages: GET, POST, PUT, DELETE, PATCH.
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
        retries (int | Unset): Number of retries of each produced message.
        retry_delay_expression (str | Unset): Retry delay expression (milliseconds, over `retried`).
        retry_delay_expr (str | Unset): Retry delay expression under its short name.
        delay (int | Unset): Delay of each produced message, in seconds.
        timeout (int | Unset): HTTP timeout of each delivery attempt, in seconds.
        callback (str | Unset): Callback URL.
        failure_callback (str | Unset): Failure-callback URL.
        queue_name (str | Unset): The queue produced messages are enqueued to.
        callerIP (str | Unset): IP address of the creator (spelling read by qstash-py).
        callerIp (str | Unset): IP address of the creator (spelling of the API reference and qstash-js).
        flow_control_key (str | Unset): Flow-control key.
        parallelism (int | Unset): Flow-control parallelism.
        rate (int | Unset): Flow-control rate (deliveries started per period).
        rate_per_second (int | Unset): Deprecated alias of `rate`.
        period (int | Unset): Flow-control rate period, in seconds.
        last_schedule_time (int | Unset): Time of the last tick, in unix milliseconds.
        next_schedule_time (int | Unset): Time of the next tick, in unix milliseconds.
        last_schedule_states (ScheduleLastScheduleStates | Unset): State of each message produced by the last tick, by
            message id: IN_PROGRESS, SUCCESS or FAIL.
        error (str | Unset): The last error of the schedule, if any.
        label (str | Unset): The label (single-label form, deprecated in favour of `labels`).
        labels (list[str] | Unset): The labels.
    """

    schedule_id: str
    cron: str
    destination: str
    created_at: int
    is_paused: bool | Unset = UNSET
    method: str | Unset = UNSET
    header: HeaderMap | Unset = UNSET
    body: str | Unset = UNSET
    body_base_64: str | Unset = UNSET
    callback_header: HeaderMap | Unset = UNSET
    callback_headers: HeaderMap | Unset = UNSET
    failure_callback_header: HeaderMap | Unset = UNSET
    failure_callback_headers: HeaderMap | Unset = UNSET
    retries: int | Unset = UNSET
    retry_delay_expression: str | Unset = UNSET
    retry_delay_expr: str | Unset = UNSET
    delay: int | Unset = UNSET
    timeout: int | Unset = UNSET
    callback: str | Unset = UNSET
    failure_callback: str | Unset = UNSET
    queue_name: str | Unset = UNSET
    callerIP: str | Unset = UNSET
    callerIp: str | Unset = UNSET
    flow_control_key: str | Unset = UNSET
    parallelism: int | Unset = UNSET
    rate: int | Unset = UNSET
    rate_per_second: int | Unset = UNSET
    period: int | Unset = UNSET
    last_schedule_time: int | Unset = UNSET
    next_schedule_time: int | Unset = UNSET
    last_schedule_states: ScheduleLastScheduleStates | Unset = UNSET
    error: str | Unset = UNSET
    label: str | Unset = UNSET
    labels: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        schedule_id = self.schedule_id

        cron = self.cron

        destination = self.destination

        created_at = self.created_at

        is_paused = self.is_paused

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

        retries = self.retries

        retry_delay_expression = self.retry_delay_expression

        retry_delay_expr = self.retry_delay_expr

        delay = self.delay

        timeout = self.timeout

        callback = self.callback

        failure_callback = self.failure_callback

        queue_name = self.queue_name

        callerIP = self.callerIP

        callerIp = self.callerIp

        flow_control_key = self.flow_control_key

        parallelism = self.parallelism

        rate = self.rate

        rate_per_second = self.rate_per_second

        period = self.period

        last_schedule_time = self.last_schedule_time

        next_schedule_time = self.next_schedule_time

        last_schedule_states: dict[str, Any] | Unset = UNSET
        if not isinstance(self.last_schedule_states, Unset):
            last_schedule_states = self.last_schedule_states.to_dict()

        error = self.error

        label = self.label

        labels: list[str] | Unset = UNSET
        if not isinstance(self.labels, Unset):
            labels = self.labels

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "scheduleId": schedule_id,
                "cron": cron,
                "destination": destination,
                "createdAt": created_at,
            }
        )
        if is_paused is not UNSET:
            field_dict["isPaused"] = is_paused
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
        if retries is not UNSET:
            field_dict["retries"] = retries
        if retry_delay_expression is not UNSET:
            field_dict["retryDelayExpression"] = retry_delay_expression
        if retry_delay_expr is not UNSET:
            field_dict["retryDelayExpr"] = retry_delay_expr
        if delay is not UNSET:
            field_dict["delay"] = delay
        if timeout is not UNSET:
            field_dict["timeout"] = timeout
        if callback is not UNSET:
            field_dict["callback"] = callback
        if failure_callback is not UNSET:
            field_dict["failureCallback"] = failure_callback
        if queue_name is not UNSET:
            field_dict["queueName"] = queue_name
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
        if last_schedule_time is not UNSET:
            field_dict["lastScheduleTime"] = last_schedule_time
        if next_schedule_time is not UNSET:
            field_dict["nextScheduleTime"] = next_schedule_time
        if last_schedule_states is not UNSET:
            field_dict["lastScheduleStates"] = last_schedule_states
        if error is not UNSET:
            field_dict["error"] = error
        if label is not UNSET:
            field_dict["label"] = label
        if labels is not UNSET:
            field_dict["labels"] = labels

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.header_map import HeaderMap
        from ..models.schedule_last_schedule_states import ScheduleLastScheduleStates

        d = dict(src_dict)
        schedule_id = d.pop("scheduleId")

        cron = d.pop("cron")

        destination = d.pop("destination")

        created_at = d.pop("createdAt")

        is_paused = d.pop("isPaused", UNSET)

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

        retries = d.pop("retries", UNSET)

        retry_delay_expression = d.pop("retryDelayExpression", UNSET)

        retry_delay_expr = d.pop("retryDelayExpr", UNSET)

        delay = d.pop("delay", UNSET)

        timeout = d.pop("timeout", UNSET)

        callback = d.pop("callback", UNSET)

        failure_callback = d.pop("failureCallback", UNSET)

        queue_name = d.pop("queueName", UNSET)

        callerIP = d.pop("callerIP", UNSET)

        callerIp = d.pop("callerIp", UNSET)

        flow_control_key = d.pop("flowControlKey", UNSET)

        parallelism = d.pop("parallelism", UNSET)

        rate = d.pop("rate", UNSET)

        rate_per_second = d.pop("ratePerSecond", UNSET)

        period = d.pop("period", UNSET)

        last_schedule_time = d.pop("lastScheduleTime", UNSET)

        next_schedule_time = d.pop("nextScheduleTime", UNSET)

        _last_schedule_states = d.pop("lastScheduleStates", UNSET)
        last_schedule_states: ScheduleLastScheduleStates | Unset
        if isinstance(_last_schedule_states, Unset):
            last_schedule_states = UNSET
        else:
            last_schedule_states = ScheduleLastScheduleStates.from_dict(
                _last_schedule_states
            )

        error = d.pop("error", UNSET)

        label = d.pop("label", UNSET)

        labels = cast(list[str], d.pop("labels", UNSET))

        schedule = cls(
            schedule_id=schedule_id,
            cron=cron,
            destination=destination,
            created_at=created_at,
            is_paused=is_paused,
            method=method,
            header=header,
            body=body,
            body_base_64=body_base_64,
            callback_header=callback_header,
            callback_headers=callback_headers,
            failure_callback_header=failure_callback_header,
            failure_callback_headers=failure_callback_headers,
            retries=retries,
            retry_delay_expression=retry_delay_expression,
            retry_delay_expr=retry_delay_expr,
            delay=delay,
            timeout=timeout,
            callback=callback,
            failure_callback=failure_callback,
            queue_name=queue_name,
            callerIP=callerIP,
            callerIp=callerIp,
            flow_control_key=flow_control_key,
            parallelism=parallelism,
            rate=rate,
            rate_per_second=rate_per_second,
            period=period,
            last_schedule_time=last_schedule_time,
            next_schedule_time=next_schedule_time,
            last_schedule_states=last_schedule_states,
            error=error,
            label=label,
            labels=labels,
        )

        schedule.additional_properties = d
        return schedule

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
