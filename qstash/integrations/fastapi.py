"""Receive QStash deliveries in FastAPI: a dependency that gives endpoints the verified delivery.

::

    from typing import Annotated
    from fastapi import Depends, FastAPI
    from qstash.delivery import Delivery
    from qstash.integrations.fastapi import verify_qstash

    app = FastAPI()
    QStashDelivery = Annotated[Delivery, Depends(verify_qstash())]

    @app.post("/qstash/webhook")
    async def webhook(delivery: QStashDelivery) -> dict[str, str]:
        order = delivery.json()  # the raw body, verified; await request.body() works too
        ...

A refused delivery never reaches the endpoint: the dependency raises ``HTTPException``
401 (missing or malformed signature) or 403 (a signature that does not verify), which
FastAPI renders as ``{"detail": {"error": <reason>, "message": <why>}}``.

To protect whole path prefixes instead, add
:class:`qstash.integrations.starlette.QStashMiddleware`; the dependency then reuses the
middleware's verified delivery. Install with ``pip install 'qstash[fastapi]'``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

try:
    from fastapi import HTTPException, Request
except ImportError as exc:  # pragma: no cover - exercised in a test with fastapi hidden
    raise ImportError(
        "qstash.integrations.fastapi needs FastAPI: pip install 'qstash[fastapi]'"
    ) from exc

from qstash.delivery import DEFAULT_CLOCK_TOLERANCE, Delivery, DeliveryVerifier, rejection_status
from qstash.errors import SignatureError
from qstash.integrations.starlette import (
    QStashMiddleware,
    get_delivery,
    non_retryable,
    request_url,
    retry_after,
    verify_request,
)
from qstash.receiver import Receiver

__all__ = [
    "QStashMiddleware",
    "get_delivery",
    "non_retryable",
    "request_url",
    "retry_after",
    "verify_qstash",
]


def verify_qstash(
    *,
    receiver: Receiver | None = None,
    public_url: str | Callable[[Request], str] | None = None,
    trust_forwarded_headers: bool = False,
    check_url: bool = True,
    clock_tolerance: float | timedelta = DEFAULT_CLOCK_TOLERANCE,
) -> Callable[[Request], Awaitable[Delivery]]:
    """A FastAPI dependency returning the verified :class:`~qstash.delivery.Delivery`.

    Use it as ``Depends(verify_qstash(...))``. It reads the raw body once (FastAPI caches
    it, so body parameters, ``await request.body()`` and ``await request.json()`` still
    work), verifies it, stores the delivery in ``request.state.qstash`` and returns it.

    Args:
        receiver, public_url, trust_forwarded_headers, check_url, clock_tolerance: as for
            :class:`~qstash.delivery.DeliveryVerifier`; a ``public_url`` callable gets the
            FastAPI ``Request``.

    Raises:
        InvalidArgumentError: conflicting URL choices or a bad ``public_url`` (at once).
    """
    verifier = DeliveryVerifier(
        receiver,
        public_url=public_url,
        trust_forwarded_headers=trust_forwarded_headers,
        check_url=check_url,
        clock_tolerance=clock_tolerance,
    )

    async def qstash_delivery(request: Request) -> Delivery:
        try:
            # Verified already by QStashMiddleware: one verification per request.
            return get_delivery(request)
        except LookupError:
            pass
        try:
            return await verify_request(verifier, request)
        except SignatureError as error:
            raise HTTPException(
                rejection_status(error.reason),
                detail={"error": error.reason.value, "message": str(error)},
            ) from error

    return qstash_delivery
