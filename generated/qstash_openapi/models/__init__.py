"""Contains all the data models used in inputs/outputs"""

from .batch_item_error import BatchItemError
from .batch_message import BatchMessage
from .batch_message_headers import BatchMessageHeaders
from .cancel_messages_response import CancelMessagesResponse
from .chat_choice import ChatChoice
from .chat_choice_message import ChatChoiceMessage
from .chat_chunk_choice import ChatChunkChoice
from .chat_chunk_delta import ChatChunkDelta
from .chat_completion import ChatCompletion
from .chat_completion_chunk import ChatCompletionChunk
from .chat_completion_request import ChatCompletionRequest
from .chat_completion_request_logit_bias import ChatCompletionRequestLogitBias
from .chat_logprobs import ChatLogprobs
from .chat_message import ChatMessage
from .chat_response_format import ChatResponseFormat
from .chat_token_logprob import ChatTokenLogprob
from .chat_top_logprob import ChatTopLogprob
from .chat_usage import ChatUsage
from .create_schedule_response import CreateScheduleResponse
from .delete_dlq_messages_response import DeleteDlqMessagesResponse
from .dlq_message import DlqMessage
from .endpoint import Endpoint
from .endpoint_selector import EndpointSelector
from .error_body import ErrorBody
from .flow_control_info import FlowControlInfo
from .global_parallelism import GlobalParallelism
from .header_map import HeaderMap
from .http_method import HttpMethod
from .list_dlq_messages_response import ListDlqMessagesResponse
from .list_events_response import ListEventsResponse
from .list_logs_response import ListLogsResponse
from .log import Log
from .message import Message
from .publish_response import PublishResponse
from .queue import Queue
from .remove_endpoints_request import RemoveEndpointsRequest
from .retry_dlq_message_response import RetryDlqMessageResponse
from .retry_dlq_messages_response import RetryDlqMessagesResponse
from .schedule import Schedule
from .schedule_last_schedule_states import ScheduleLastScheduleStates
from .signing_keys import SigningKeys
from .upsert_endpoints_request import UpsertEndpointsRequest
from .upsert_queue_request import UpsertQueueRequest
from .url_group import UrlGroup

__all__ = (
    "BatchItemError",
    "BatchMessage",
    "BatchMessageHeaders",
    "CancelMessagesResponse",
    "ChatChoice",
    "ChatChoiceMessage",
    "ChatChunkChoice",
    "ChatChunkDelta",
    "ChatCompletion",
    "ChatCompletionChunk",
    "ChatCompletionRequest",
    "ChatCompletionRequestLogitBias",
    "ChatLogprobs",
    "ChatMessage",
    "ChatResponseFormat",
    "ChatTokenLogprob",
    "ChatTopLogprob",
    "ChatUsage",
    "CreateScheduleResponse",
    "DeleteDlqMessagesResponse",
    "DlqMessage",
    "Endpoint",
    "EndpointSelector",
    "ErrorBody",
    "FlowControlInfo",
    "GlobalParallelism",
    "HeaderMap",
    "HttpMethod",
    "ListDlqMessagesResponse",
    "ListEventsResponse",
    "ListLogsResponse",
    "Log",
    "Message",
    "PublishResponse",
    "Queue",
    "RemoveEndpointsRequest",
    "RetryDlqMessageResponse",
    "RetryDlqMessagesResponse",
    "Schedule",
    "ScheduleLastScheduleStates",
    "SigningKeys",
    "UpsertEndpointsRequest",
    "UpsertQueueRequest",
    "UrlGroup",
)
