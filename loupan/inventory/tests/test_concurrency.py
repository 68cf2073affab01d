"""Holds under a real race on PostgreSQL: many managers hold one unit at once, one wins.

SQLite serialises writers (IMMEDIATE transactions), so this runs on PostgreSQL only.
"""

from __future__ import annotations

import pytest
from django.db import connection

from loupan.core.errors import Conflict
from loupan.core.models import AuditEvent
from loupan.core.testing.concurrency import race
from loupan.inventory import services
from loupan.inventory.models import Unit
from loupan.inventory.tests.factories import ProjectFactory, link, make_building
from loupan.org.tests.factories import UserFactory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]


def test_many_managers_hold_one_unit_exactly_one_wins(world):  # noqa: ANN001
    project = ProjectFactory()
    link(world.s1, project)
    building = make_building(project, floors=2, stacks=2)
    unit = Unit.objects.get(building=building, number="101")
    managers = [world.sm1, world.cm, world.admin] + [
        UserFactory(role="site_manager", sites=[world.s1]) for _ in range(5)
    ]
    stale = [Unit.objects.get(pk=unit.pk) for _ in managers]  # everyone loaded the grid first
    results = race(
        [lambda m=m, u=u: services.unit_hold(actor=m, unit=u) for m, u in zip(managers, stale, strict=True)]
    )
    winners = [r for r in results if isinstance(r, Unit)]
    losers = [r for r in results if isinstance(r, Conflict)]
    assert len(winners) == 1, results
    assert len(losers) == len(managers) - 1 and {e.code for e in losers} == {"unit_unavailable"}
    unit.refresh_from_db()
    assert unit.status == "held" and unit.held_by_id == winners[0].held_by_id
    assert AuditEvent.objects.filter(object_type="unit", object_id=unit.pk, action="hold").count() == 1


def test_hold_and_subscribe_race_one_wins(world):  # noqa: ANN001
    project = ProjectFactory()
    link(world.s1, project)
    building = make_building(project, floors=1, stacks=1)
    unit = Unit.objects.get(building=building)
    calls = [
        lambda: services.unit_hold(actor=world.sm1, unit=Unit.objects.get(pk=unit.pk)),
        lambda: services.unit_set_status(
            unit=Unit.objects.get(pk=unit.pk), to="subscribed", actor=world.s1a, expected_from={"available"}
        ),
    ] * 3
    results = race(calls)
    assert sum(isinstance(r, Unit) for r in results) == 1, results
    assert all(
        isinstance(r, Unit) or (isinstance(r, Conflict) and r.code == "unit_unavailable") for r in results
    )
