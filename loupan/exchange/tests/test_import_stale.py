"""Imports whose worker stopped (a web process restarted under its thread) are failed as
interrupted once their heartbeat is old, so their page stops polling and says why."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from loupan.core.scheduler import FREQUENT_JOBS
from loupan.core.testing.clients import client_for as login
from loupan.customers.models import Customer
from loupan.exchange import services
from loupan.exchange.models import ImportJob
from loupan.exchange.tests.conftest import csv_file

pytestmark = pytest.mark.django_db
LINES = ["编号,姓名,手机,案场", "L1,张三,13800138000,S1", "L2,李四,13900139000,S1"]
REASON = "已中断：执行导入的进程停止了（10 分钟没有任何动静）"


def job_in(world, status: str, beat_minutes_ago: float | None, dry_run: bool = True) -> ImportJob:  # noqa: ANN001
    job = services.import_create(actor=world.sm1, kind="customers", file=csv_file(LINES), draft=True)
    beat = None if beat_minutes_ago is None else timezone.now() - timedelta(minutes=beat_minutes_ago)
    ImportJob.objects.filter(pk=job.pk).update(status=status, dry_run=dry_run, heartbeat_at=beat,
                                               started_at=beat if status == "running" else None)  # fmt: skip
    return ImportJob.objects.get(pk=job.pk)


def test_a_stale_running_job_fails_with_the_reason_and_its_page_stops_polling(world) -> None:  # noqa: ANN001
    job = job_in(world, "running", beat_minutes_ago=11)
    client = login(world.sm1)
    poll = client.get(f"/exchange/imports/{job.pk}/progress/", HTTP_HX_REQUEST="true")
    box = poll.content.decode()
    assert poll["HX-Refresh"] == "true" and 'data-status="failed"' in box
    assert "hx-trigger" not in box and "hx-get" not in box and REASON in box
    job.refresh_from_db()
    assert (job.status, job.finished_at is not None) == ("failed", True)
    assert job.failure.startswith(REASON) and "没有写入任何数据" in job.failure
    page = client.get(f"/exchange/imports/{job.pk}/").content.decode()
    assert "hx-trigger" not in page and REASON in page and "失败" in page


def test_a_fresh_running_job_is_left_alone(world) -> None:  # noqa: ANN001
    job = job_in(world, "running", beat_minutes_ago=2)
    poll = login(world.sm1).get(f"/exchange/imports/{job.pk}/progress/", HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in poll.content.decode() and "HX-Refresh" not in poll
    assert services.import_jobs_fail_stale() == 0
    job.refresh_from_db()
    assert (job.status, job.failure, job.finished_at) == ("running", "", None)


def test_the_detail_page_and_the_api_fail_a_stale_job(world, api) -> None:  # noqa: ANN001
    first, second = job_in(world, "running", 30), job_in(world, "running", 30)
    page = login(world.sm1).get(f"/exchange/imports/{first.pk}/").content.decode()
    assert "hx-trigger" not in page and REASON in page
    body = api(world.sm1).get(f"/api/v1/imports/{second.pk}/").json()
    assert body["status"] == "failed" and body["failure"].startswith(REASON)
    third = job_in(world, "running", 30)
    listed = api(world.sm1).get("/api/v1/imports/").json()["results"]
    assert {j["id"]: j["status"] for j in listed}[third.pk] == "failed"


def test_the_scheduler_fails_stale_jobs_only(world, settings) -> None:  # noqa: ANN001
    stale_running, stale_queued = job_in(world, "running", 11), job_in(world, "queued", 11)
    never_beat = job_in(world, "running", None)  # started before heartbeats existed
    ImportJob.objects.filter(pk=never_beat.pk).update(created_at=timezone.now() - timedelta(hours=1))
    fresh = job_in(world, "running", 1)
    old_draft, done = job_in(world, "draft", 60), job_in(world, "succeeded", 60)
    assert "fail-stale-imports" in settings.CELERY_BEAT_SCHEDULE
    import_string(FREQUENT_JOBS["fail_stale_imports"])()
    statuses = dict(ImportJob.objects.values_list("pk", "status"))
    assert [statuses[j.pk] for j in (stale_running, stale_queued, never_beat)] == ["failed"] * 3
    assert [statuses[j.pk] for j in (fresh, old_draft, done)] == ["running", "draft", "succeeded"]


def test_with_a_broker_a_queued_job_waits_however_long(world, settings) -> None:  # noqa: ANN001
    """Redis keeps the queue across restarts: only running jobs go stale there."""
    from loupan.exchange.tasks import fail_stale_imports_task

    settings.CELERY_TASK_ALWAYS_EAGER = False
    queued, running = job_in(world, "queued", 60), job_in(world, "running", 60)
    assert fail_stale_imports_task.run() == 1
    assert ImportJob.objects.get(pk=queued.pk).status == "queued"
    assert ImportJob.objects.get(pk=running.pk).status == "failed"


def test_the_threshold_is_a_setting(world, settings) -> None:  # noqa: ANN001
    settings.LOUPAN_IMPORT_STALE_SECONDS = 120
    job = job_in(world, "running", 3)
    with translation.override("zh-hans"):
        assert services.import_jobs_fail_stale() == 1
    assert "2 分钟" in ImportJob.objects.get(pk=job.pk).failure


def test_after_an_interrupted_commit_the_dry_run_can_be_committed_again(world) -> None:  # noqa: ANN001
    dry = services.run_now_if_small(
        services.import_create(actor=world.sm1, kind="customers", file=csv_file(LINES), dry_run=True)
    )
    commit = services.import_commit(actor=world.sm1, job=dry)
    ImportJob.objects.filter(pk=commit.pk).update(
        status="running", heartbeat_at=timezone.now() - timedelta(hours=1)
    )
    client = login(world.sm1)
    assert REASON in client.get(f"/exchange/imports/{commit.pk}/").content.decode()
    page = client.get(f"/exchange/imports/{dry.pk}/").content.decode()
    assert f"/exchange/imports/{dry.pk}/commit/" in page
    client.post(f"/exchange/imports/{dry.pk}/commit/")
    assert Customer.objects.count() == 2


def test_queue_and_start_record_a_heartbeat(world, settings, django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    settings.LOUPAN_IMPORT_INLINE_BYTES = 10  # to the background
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=False):
        job = services.import_create(actor=world.sm1, kind="customers", file=csv_file(LINES), dry_run=False)
    assert job.status == "queued" and job.heartbeat_at >= before
    done = services.import_run(job_id=job.pk)
    assert done.status == "succeeded" and done.heartbeat_at >= done.started_at >= job.heartbeat_at


@pytest.mark.django_db(transaction=True)
def test_a_job_failed_before_it_got_going_stops_and_writes_nothing(world, monkeypatch) -> None:  # noqa: ANN001
    """Failed as interrupted between its start and its first chunk: the import sees it at its
    first heartbeat, rolls back and leaves the reason alone."""
    from loupan.exchange.importing import engine

    job = services.import_create(actor=world.sm1, kind="customers", file=csv_file(LINES), draft=True)
    job = services.import_start(actor=world.sm1, job=job, dry_run=False)
    real_open = engine.open_table

    def open_late(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
        assert services.import_jobs_fail_stale() == 1
        return real_open(*args, **kwargs)

    monkeypatch.setattr(engine, "open_table", open_late)
    with translation.override("zh-hans"):  # as in a worker thread: the default language
        done = services.import_run(job_id=job.pk)
    assert done.status == "failed" and done.failure.startswith(REASON)
    assert Customer.objects.count() == 0
