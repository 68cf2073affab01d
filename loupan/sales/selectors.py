"""Reads of the sales workflow, always through the caller's data scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from .choices import SubscriptionStatus
from .models import Subscription


def overdue_subscriptions(*, user: Any, today: dt.date | None = None) -> QuerySet[Subscription]:
    """Active subscriptions past their deadline to sign, in the user's scope (for managers)."""
    today = today or timezone.localdate()
    return (
        Subscription.objects.visible_to(user)
        .filter(status=SubscriptionStatus.ACTIVE, sign_deadline__lt=today)
        .select_related("unit", "customer")
        .order_by("sign_deadline", "id")
    )
