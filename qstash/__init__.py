"""QStash for Python: publish, schedule and receive signed HTTP messages, sync or async.

Everything listed in ``__all__`` is the public surface. Names are loaded on first use, so
``import qstash`` stays cheap (the HTTP stack loads only when a client is made).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    "QStash": "qstash._sync.client",
    "AsyncQStash": "qstash._async.client",
    "Receiver": "qstash.receiver",
    "SignatureClaims": "qstash.receiver",
    "RetryPolicy": "qstash._retry",
    "BatchItemError": "qstash.errors",
    "PartialBatchError": "qstash.errors",
    "QStashError": "qstash.errors",
    "InvalidArgumentError": "qstash.errors",
    "SignatureError": "qstash.errors",
    "SignatureFailure": "qstash.errors",
    "APIError": "qstash.errors",
    "APIConnectionError": "qstash.errors",
    "APITimeoutError": "qstash.errors",
    "BadRequestError": "qstash.errors",
    "UnauthorizedError": "qstash.errors",
    "ForbiddenError": "qstash.errors",
    "NotFoundError": "qstash.errors",
    "PreconditionFailedError": "qstash.errors",
    "PayloadTooLargeError": "qstash.errors",
    "RateLimitError": "qstash.errors",
    "RateLimitExceededError": "qstash.errors",
    "DailyMessageLimitExceededError": "qstash.errors",
    "ChatRateLimitExceededError": "qstash.errors",
    "ServerError": "qstash.errors",
}

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AsyncQStash",
    "BadRequestError",
    "BatchItemError",
    "ChatRateLimitExceededError",
    "DailyMessageLimitExceededError",
    "ForbiddenError",
    "InvalidArgumentError",
    "NotFoundError",
    "PartialBatchError",
    "PayloadTooLargeError",
    "PreconditionFailedError",
    "QStash",
    "QStashError",
    "RateLimitError",
    "RateLimitExceededError",
    "Receiver",
    "RetryPolicy",
    "ServerError",
    "SignatureClaims",
    "SignatureError",
    "SignatureFailure",
    "UnauthorizedError",
    "__version__",
]

if TYPE_CHECKING:
    from qstash._async.client import AsyncQStash
    from qstash._retry import RetryPolicy
    from qstash._sync.client import QStash
    from qstash.errors import (
        APIConnectionError,
        APIError,
        APITimeoutError,
        BadRequestError,
        BatchItemError,
        ChatRateLimitExceededError,
        DailyMessageLimitExceededError,
        ForbiddenError,
        InvalidArgumentError,
        NotFoundError,
        PartialBatchError,
        PayloadTooLargeError,
        PreconditionFailedError,
        QStashError,
        RateLimitError,
        RateLimitExceededError,
        ServerError,
        SignatureError,
        SignatureFailure,
        UnauthorizedError,
    )
    from qstash.receiver import Receiver, SignatureClaims


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'qstash' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
