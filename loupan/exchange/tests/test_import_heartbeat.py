"""Heartbeats of a live import, with real transactions: the stale-job marker run from
another thread while an import is in the middle of its chunks."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone, translation

from loupan.customers.models import Customer
from loupan.exchange import services
from loupan.exchange.importing import engine, heartbeat
from loupan.exchange.importing.customers import CustomerImporter
from loupan.exchange.models import ImportJob
from loupan.exchange.tests.conftest import csv_file

pytestmark = pytest.mark.django_db(transaction=True)
LINES = ["编号,姓名,手机,案场", *(f"L{i},客户{i},1380013800{i},S1" for i in range(5))]


def queued_commit(world) -> ImportJob:  # noqa: ANN001
    job = services.import_create(actor=world.sm1, kind="customers", file=csv_file(LINES), draft=True)
    return services.import_start(actor=world.sm1, job=job, dry_run=False)


def in_another_thread(call):  # noqa: ANN001, ANN201
    result = {}

    def run() -> None:
        try:
            result["value"] = call()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive()
    return result["value"]


def test_the_marker_never_fails_a_live_import(world, monkeypatch) -> None:  # noqa: ANN001
    """Mid-import, its job looks stale to a marker that thinks an hour went by. PostgreSQL:
    the marker fails it and the import, at its next heartbeat, stops and writes nothing, so
    "nothing was written" holds. SQLite: the import's transaction holds the write lock, the
    marker does not wait for it and fails nothing; the import finishes."""
    monkeypatch.setattr(engine, "CHUNK_ROWS", 1)
    monkeypatch.setattr(heartbeat, "HEARTBEAT_SECONDS", 0)
    job = queued_commit(world)
    original, seen = CustomerImporter.handle, {}

    def handle(self, rows):  # noqa: ANN001, ANN202
        original(self, rows)
        if rows[0].number == 3:
            later = timezone.now() + timedelta(hours=1)
            seen["failed"] = in_another_thread(lambda: services.import_jobs_fail_stale(now=later))

    monkeypatch.setattr(CustomerImporter, "handle", handle)
    with translation.override("zh-hans"):
        done = services.import_run(job_id=job.pk)
    if connection.vendor == "sqlite":
        assert seen["failed"] == 0
        assert (done.status, done.created) == ("succeeded", 5) and Customer.objects.count() == 5
    else:
        assert seen["failed"] == 1
        assert done.status == "failed" and done.failure.startswith("已中断：执行导入的进程停止了")
        assert ImportJob.objects.get(pk=job.pk).status == "failed" and Customer.objects.count() == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no second writer for a heartbeat")
def test_the_heartbeat_moves_while_chunks_are_processed(world, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(engine, "CHUNK_ROWS", 1)
    monkeypatch.setattr(heartbeat, "HEARTBEAT_SECONDS", 0)
    job = queued_commit(world)
    original, beats = CustomerImporter.handle, []

    def handle(self, rows):  # noqa: ANN001, ANN202
        original(self, rows)
        # Seen by another connection while the import's transaction is still open.
        beats.append(in_another_thread(lambda: ImportJob.objects.get(pk=job.pk).heartbeat_at))

    monkeypatch.setattr(CustomerImporter, "handle", handle)
    done = services.import_run(job_id=job.pk)
    assert done.status == "succeeded" and len(beats) == 5
    # Read during chunk n: the claim's heartbeat, then the beat after each earlier chunk.
    assert beats[0] == done.started_at and beats == sorted(beats) and len(set(beats)) == 5
    assert ImportJob.objects.get(pk=job.pk).heartbeat_at > beats[-1]  # and after the last one


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no second writer for a heartbeat")
def test_heartbeats_are_at_most_every_few_seconds(world, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(engine, "CHUNK_ROWS", 1)
    job = queued_commit(world)
    touches = []
    real_touch = heartbeat._touch
    monkeypatch.setattr(heartbeat, "_touch", lambda conn, j: touches.append(1) or real_touch(conn, j))
    assert services.import_run(job_id=job.pk).status == "succeeded"
    assert len(touches) == 1  # five chunks in well under HEARTBEAT_SECONDS
