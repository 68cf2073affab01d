"""Helpers of the customer service tests: a customer registered through the service, an idle one."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from loupan.customers import services
from loupan.customers.tests.factories import CustomerFactory

DAY = dt.timedelta(days=1)


def create(world, actor=None, site=None, **data):  # noqa: ANN001, ANN201
    """Register a customer through the service (defaults: s1a at s1)."""
    data.setdefault("name", "张伟")
    data.setdefault("phone", "13900000011")
    owner = data.pop("owner", None)
    interests = data.pop("interests", None)
    return services.customer_create(
        actor=actor or world.s1a, site=site or world.s1, data=data, owner=owner, interests=interests
    )


def idle(world, days: float, *, status: str = "lead", owner=None, site=None, **kw):  # noqa: ANN001, ANN201
    """A customer whose last follow-up was ``days`` ago."""
    return CustomerFactory(
        site=site or world.s1,
        owner=owner or world.s1a,
        status=status,
        last_touched_at=timezone.now() - dt.timedelta(days=days),
        **kw,
    )
