"""Domain events: services announce what happened, in their own transaction.

A service calls ``emit("contract.signed", obj=contract, site_id=..., data={...})`` after
its change; every subscribed handler runs at once, inside the caller's transaction, so
whatever it writes (the webhook outbox of ``loupan.exchange``) commits or rolls back
together with the change. Handlers must not do network I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Handler = Callable[..., None]
_HANDLERS: list[Handler] = []


def subscribe(handler: Handler) -> None:
    if handler not in _HANDLERS:
        _HANDLERS.append(handler)


def emit(
    event: str,
    *,
    obj: Any,
    site_id: int | None | Callable[[], int | None],
    data: dict[str, Any] | None = None,
) -> None:
    """Announce ``event`` about ``obj`` (a saved model) at ``site_id`` with a small payload.

    ``site_id`` may be a function, called only when a handler needs the site."""
    for handler in _HANDLERS:
        handler(event=event, obj=obj, site_id=site_id, data=data or {})
