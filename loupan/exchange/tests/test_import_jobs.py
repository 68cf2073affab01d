"""The life of an import job: a dry run is committed once, and only when it succeeded."""

import pytest

from loupan.core.errors import Conflict
from loupan.customers.models import Customer
from loupan.exchange import services
from loupan.exchange.models import ImportJob
from loupan.exchange.tests.conftest import csv_file

pytestmark = pytest.mark.django_db
LINES = [
    "编号,姓名,手机,案场",
    "L1,张三,13800138000,S1",
    "L2,李四,13900139000,S1",
]


def dry_run(actor, lines=LINES):  # noqa: ANN001, ANN201
    return services.run_now_if_small(
        services.import_create(actor=actor, kind="customers", file=csv_file(lines), dry_run=True)
    )


def test_a_succeeded_dry_run_is_committed_once(world) -> None:  # noqa: ANN001
    job = dry_run(world.sm1)
    commit = services.run_now_if_small(services.import_commit(actor=world.sm1, job=job))
    assert (commit.status, commit.dry_run, commit.dry_run_job_id, commit.created) == (
        "succeeded",
        False,
        job.pk,
        2,
    )
    assert commit.file.name == job.file.name and commit.mapping == job.mapping
    with pytest.raises(Conflict) as again:
        services.import_commit(actor=world.admin, job=job)
    assert again.value.code == "import_already_committed" and again.value.extra == {"commit_id": commit.pk}
    assert ImportJob.objects.filter(dry_run=False).count() == 1 and Customer.objects.count() == 2


def test_a_queued_commit_blocks_a_second_one(world, settings) -> None:  # noqa: ANN001
    job = dry_run(world.sm1)
    settings.LOUPAN_IMPORT_INLINE_BYTES = 10  # the commit waits for the background
    first = services.import_commit(actor=world.sm1, job=job)
    assert first.status == "queued"
    with pytest.raises(Conflict) as again:
        services.import_commit(actor=world.sm1, job=job)
    assert again.value.code == "import_already_committed"
    assert ImportJob.objects.filter(dry_run_job=job).count() == 1


@pytest.mark.parametrize("status", ["rejected", "failed", "queued", "running", "draft"])
def test_only_a_succeeded_dry_run_can_be_committed(world, status) -> None:  # noqa: ANN001
    job = dry_run(world.sm1)
    ImportJob.objects.filter(pk=job.pk).update(status=status)
    with pytest.raises(Conflict) as refused:
        services.import_commit(actor=world.sm1, job=job)
    assert refused.value.code == "import_not_committable"
    assert not ImportJob.objects.filter(dry_run=False).exists()


def test_a_commit_is_not_committed_again(world) -> None:  # noqa: ANN001
    commit = services.run_now_if_small(services.import_commit(actor=world.sm1, job=dry_run(world.sm1)))
    with pytest.raises(Conflict) as refused:
        services.import_commit(actor=world.sm1, job=commit)
    assert refused.value.code == "import_not_committable"


def test_after_a_failed_commit_the_dry_run_may_be_committed_again(world) -> None:  # noqa: ANN001
    """A failed or rejected commit wrote nothing (all or nothing): it does not block a retry."""
    job = dry_run(world.sm1)
    first = services.import_commit(actor=world.sm1, job=job)
    ImportJob.objects.filter(pk=first.pk).update(status="failed")
    second = services.run_now_if_small(services.import_commit(actor=world.sm1, job=job))
    assert second.status == "succeeded" and second.pk != first.pk and Customer.objects.count() == 2


def test_the_database_refuses_a_second_live_commit(world) -> None:  # noqa: ANN001
    """The constraint behind the row lock: one queued, running or succeeded commit per dry run."""
    from django.db import IntegrityError, transaction

    job = dry_run(world.sm1)
    first = services.import_commit(actor=world.sm1, job=job)
    twin = ImportJob(kind=job.kind, created_by=world.sm1, file_name="x", dry_run=False, dry_run_job=job,
                     status="queued")  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
    ImportJob.objects.filter(pk=first.pk).update(status="rejected")
    twin.save()  # the rejected one wrote nothing


def test_a_second_submit_of_the_mapping_form_is_refused(world) -> None:  # noqa: ANN001
    job = services.import_create(actor=world.sm1, kind="customers", file=csv_file(LINES), draft=True)
    stale = ImportJob.objects.get(pk=job.pk)
    services.import_start(actor=world.sm1, job=job, dry_run=True)
    with pytest.raises(Conflict) as again:
        services.import_start(actor=world.sm1, job=stale, dry_run=False)
    assert again.value.code == "import_started"
    assert ImportJob.objects.count() == 1 and ImportJob.objects.get().dry_run
