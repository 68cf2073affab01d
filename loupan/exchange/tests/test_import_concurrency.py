"""A double click on "Import this file now" on PostgreSQL, with real threads and transactions:
the dry run's row lock lets one commit through (architecture.md rule 3).

SQLite serialises writers anyway (IMMEDIATE transactions), so these run on PostgreSQL only.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from loupan.core.errors import Conflict
from loupan.core.testing.concurrency import race
from loupan.customers.models import Customer
from loupan.exchange import services
from loupan.exchange.models import ImportJob
from loupan.exchange.tests.conftest import csv_file

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]
LINES = ["编号,姓名,手机,案场", "L1,张三,13800138000,S1", "L2,李四,13900139000,S1"]


def _dry_run(actor) -> ImportJob:  # noqa: ANN001
    job = services.import_create(actor=actor, kind="customers", file=csv_file(LINES), dry_run=True)
    return services.run_now_if_small(job)


def test_two_commits_at_once_make_one_commit_job(world) -> None:  # noqa: ANN001
    job = _dry_run(world.sm1)
    assert job.status == "succeeded"
    # Both requests loaded the dry run before either clicked.
    stale = [ImportJob.objects.get(pk=job.pk) for _ in range(2)]
    results = race([lambda j=j: services.import_commit(actor=world.sm1, job=j) for j in stale])
    won = [r for r in results if isinstance(r, ImportJob)]
    lost = [r for r in results if isinstance(r, Conflict)]
    assert len(won) == 1 and len(lost) == 1, results
    assert lost[0].code == "import_already_committed" and lost[0].extra == {"commit_id": won[0].pk}
    assert ImportJob.objects.filter(dry_run=False).count() == 1
    assert ImportJob.objects.get(dry_run=False).dry_run_job_id == job.pk


def test_a_double_click_on_the_page_imports_once(world) -> None:  # noqa: ANN001
    job = _dry_run(world.sm1)
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(world.sm1)
    results = race([lambda c=c: c.post(f"/exchange/imports/{job.pk}/commit/") for c in clients])
    assert [r.status_code for r in results] == [302, 302], results
    commit = ImportJob.objects.get(dry_run=False)
    assert sorted(r["Location"] for r in results) == sorted(
        [f"/exchange/imports/{commit.pk}/", f"/exchange/imports/{job.pk}/"]
    )
    assert commit.status == "succeeded" and commit.created == 2 and Customer.objects.count() == 2


def test_eight_api_commits_at_once_answer_one_201(world, api) -> None:  # noqa: ANN001
    job = _dry_run(world.cm)
    clients = [api(world.cm) for _ in range(8)]
    results = race([lambda c=c: c.post(f"/api/v1/imports/{job.pk}/commit/") for c in clients])
    codes = sorted(r.status_code for r in results)
    assert codes == [201] + [409] * 7, codes
    assert {r.json()["code"] for r in results if r.status_code == 409} == {"import_already_committed"}
    assert ImportJob.objects.filter(dry_run=False).count() == 1 and Customer.objects.count() == 2
