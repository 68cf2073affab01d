"""Writes of the data exchange: import jobs (this module), systems and webhooks
(:mod:`loupan.exchange.integration`)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from loupan.core.audit import audit_record
from loupan.core.errors import Conflict, NotAllowed, ValidationFailed
from loupan.core.policy import require

from . import selectors
from .auth import act_as_token
from .choices import ImportKind, ImportStatus
from .importing import engine
from .importing.contracts import ContractImporter
from .importing.customers import CustomerImporter, MemberImporter
from .importing.fields import FIELDS, propose_mapping
from .importing.heartbeat import Heartbeat, Interrupted, no_lock_wait
from .importing.inventory import ProjectImporter, UnitImporter
from .importing.readers import UnreadableFile, open_table
from .models import ImportJob, ImportMapping

logger = logging.getLogger(__name__)

IMPORTERS: dict[str, type[engine.Importer]] = {
    "customers": CustomerImporter,
    "members": MemberImporter,
    "projects": ProjectImporter,
    "units": UnitImporter,
    "contracts": ContractImporter,
}
MAX_FILE_BYTES = 200 * 1024 * 1024


def _progress_key(job_id: int) -> str:
    return f"exchange:import:{job_id}:progress"


def import_progress(job: ImportJob) -> dict[str, Any]:
    """How far a running import is: ``{"rows", "percent"}`` (from the cache, not the job row,
    which the import's own transaction keeps from being seen until the end)."""
    if job.is_finished:
        return {"rows": job.total_rows, "percent": 100}
    return cache.get(_progress_key(job.pk)) or {"rows": 0, "percent": 0}


def file_headers(job: ImportJob) -> list[str]:
    table = open_table(job.file.path, job.file_name)
    try:
        return table.headers
    finally:
        table.close()


def _clean_mapping(kind: str, headers: list[str], mapping: dict[str, Any]) -> dict[str, str]:
    names = {f.name for f in FIELDS[kind]}
    out, errors = {}, []
    for header in headers:
        field = str(mapping.get(header) or "")
        if field and field not in names:
            errors.append(_("“%(field)s” is not a field of this kind of import.") % {"field": field})
        out[header] = field if field in names else ""
    chosen = [f for f in out.values() if f]
    if len(chosen) != len(set(chosen)):
        errors.append(_("Two columns are mapped to the same field."))
    if errors:
        raise ValidationFailed({"mapping": errors})
    return out


@transaction.atomic
def import_create(
    *,
    actor: Any,
    kind: str,
    file: UploadedFile,
    source: str = "legacy",
    dry_run: bool = True,
    mapping: dict[str, str] | None = None,
    save_mapping: bool = False,
    draft: bool = False,
) -> ImportJob:
    """Store an uploaded file as an import job with its column mapping.

    The mapping is the one saved for ``source`` and ``kind``, then the proposal from the
    headers, then ``mapping`` (header -> field) on top. Unless ``draft`` (the web UI's
    mapping step) the job is queued at once (:func:`import_start`).
    """
    if kind not in ImportKind.values:
        raise ValidationFailed({"kind": [_("Choose customers, projects, units, contracts or members.")]})
    require(actor, "exchange.import", kind, _("You may not run this kind of import."))
    if kind not in IMPORTERS:
        raise ValidationFailed({"kind": [_("This kind of import is not available yet.")]})
    source = (source or "legacy").strip()[:40] or "legacy"
    if file.size > MAX_FILE_BYTES:
        raise ValidationFailed({"file": [_("The file is larger than 200 MB.")]})
    job = ImportJob(
        kind=kind, source=source, dry_run=dry_run, created_by=actor, file_name=file.name[:200],
        file_size=file.size, status=ImportStatus.DRAFT, token=getattr(actor, "system_token", None),
    )  # fmt: skip
    job.file.save(file.name[-100:], file, save=False)
    try:
        headers = file_headers(job)
    except UnreadableFile as exc:
        job.file.delete(save=False)
        raise ValidationFailed({"file": [str(exc)]}) from None
    saved = ImportMapping.objects.filter(source=source, kind=kind).values_list("columns", flat=True).first()
    proposed = propose_mapping(kind, headers, saved)
    job.mapping = _clean_mapping(kind, headers, {**proposed, **(mapping or {})})
    job.save()
    if save_mapping:
        import_mapping_save(actor=actor, job=job, mapping=job.mapping)
    if not draft:
        job = import_start(actor=actor, job=job, dry_run=dry_run)
    return job


def import_mapping_save(*, actor: Any, job: ImportJob, mapping: dict[str, str]) -> ImportMapping:
    """Remember ``mapping`` for the job's source system and kind (reused by later uploads)."""
    require(actor, "exchange.import", job.kind)
    headers = list(job.mapping) or file_headers(job)
    saved, _created = ImportMapping.objects.update_or_create(
        source=job.source, kind=job.kind, defaults={"columns": _clean_mapping(job.kind, headers, mapping)}
    )
    return saved


@transaction.atomic
def import_start(
    *, actor: Any, job: ImportJob, dry_run: bool, mapping: dict[str, str] | None = None
) -> ImportJob:
    """Queue a draft job (the mapping step's answer) as a dry run or a commit.

    Small files run at once; files above ``LOUPAN_IMPORT_INLINE_BYTES`` in the background
    (Celery, or a thread of this process without a broker) after this transaction commits.
    Raises :class:`Conflict` ``import_started`` when the job is no longer a draft (a second
    submit of the mapping form).
    """
    require(actor, "exchange.import", job.kind)
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportStatus.DRAFT:
        raise Conflict("import_started", _("This import has already started."), import_id=job.pk)
    if mapping is not None:
        job.mapping = _clean_mapping(job.kind, list(job.mapping) or file_headers(job), mapping)
    job.dry_run = dry_run
    _queue(job)
    return job


def _queue(job: ImportJob) -> None:
    job.status = ImportStatus.QUEUED
    job.heartbeat_at = timezone.now()
    job.save()
    if job.file_size > settings.LOUPAN_IMPORT_INLINE_BYTES:
        from .tasks import dispatch_import

        transaction.on_commit(lambda: dispatch_import(job.pk))


@transaction.atomic
def import_commit(*, actor: Any, job: ImportJob) -> ImportJob:
    """Import a dry run's file for real, as a new job (same file, same mapping).

    Only a dry run that succeeded, and only once: the dry run's row is locked, so of two
    submits at once (a double click) the second finds the first's commit and raises
    :class:`Conflict` ``import_already_committed``; a dry run that did not succeed (or a
    commit) raises ``import_not_committable``. A commit that failed or was rejected wrote
    nothing, so the dry run may be committed again after one.
    """
    require(actor, "exchange.import", job.kind)
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if not job.dry_run or job.status != ImportStatus.SUCCEEDED:
        raise Conflict(
            "import_not_committable", _("Only a dry run that succeeded can be imported."), import_id=job.pk
        )
    if (earlier := selectors.import_commit_of(job=job)) is not None:
        raise Conflict("import_already_committed", _("This dry run is already imported or being imported: see import %(id)s.")
                       % {"id": earlier.pk}, commit_id=earlier.pk)  # fmt: skip
    commit = ImportJob(
        kind=job.kind, source=job.source, created_by=actor, file=job.file.name, file_name=job.file_name,
        file_size=job.file_size, mapping=job.mapping, token=getattr(actor, "system_token", None),
        dry_run=False, dry_run_job=job,
    )  # fmt: skip
    try:
        with transaction.atomic():
            _queue(commit)
    except IntegrityError:  # the constraint behind the lock (import_one_commit_per_dry_run)
        raise Conflict(
            "import_already_committed", _("This dry run is already imported or being imported.")
        ) from None
    return commit


def import_run(*, job_id: int) -> ImportJob:
    """Run a queued import (once: a second call finds it no longer queued). Never raises:
    the job records success, rejection (row errors, nothing written) or failure and why."""
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, started_at=now, heartbeat_at=now
    )
    job = ImportJob.objects.select_related("created_by", "token").get(pk=job_id)
    if not claimed:
        return job
    if job.token is not None:  # a system's import: the token's sites, as during the request
        act_as_token(job.created_by, job.token)
    key = _progress_key(job.pk)
    heartbeat = Heartbeat(job)

    def progress(rows: int, fraction: float) -> None:
        cache.set(key, {"rows": rows, "percent": min(int(fraction * 100), 99)}, 3600)
        heartbeat.beat()

    try:
        outcome = engine.run(
            job=job, actor=job.created_by, importer_class=IMPORTERS[job.kind], path=job.file.path,
            mapping=job.mapping or None, progress=progress,
        )  # fmt: skip
    except Interrupted:  # failed as interrupted meanwhile (it says why); rolled back
        logger.warning("import %s stopped: it was failed as interrupted while it ran", job.pk)
        cache.delete(key)
        return ImportJob.objects.get(pk=job.pk)
    except UnreadableFile as exc:
        job.status, job.failure = ImportStatus.FAILED, str(exc)
    except NotAllowed as exc:
        job.status, job.failure = ImportStatus.FAILED, exc.detail
    except Exception as exc:  # noqa: BLE001 - the job must say why; nothing was written
        logger.exception("import %s failed", job.pk)
        job.status = ImportStatus.FAILED
        job.failure = _("The import stopped (%(error)s); nothing was written.") % {"error": str(exc)[:300]}
    else:
        for name in ("total_rows", "valid_rows", "created", "updated", "unchanged", "error_count", "errors"):
            setattr(job, name, getattr(outcome, name))
        job.mapping = outcome.mapping
        job.status = ImportStatus.REJECTED if outcome.error_count else ImportStatus.SUCCEEDED
    finally:
        heartbeat.close()
    job.finished_at = job.heartbeat_at = timezone.now()
    job.save()
    cache.delete(key)
    audit_record(
        actor=job.created_by, action="import", obj=job,
        detail={"kind": job.kind, "source": job.source, "dry_run": job.dry_run, "status": job.status,
                "rows": job.total_rows, "created": job.created, "updated": job.updated},
    )  # fmt: skip
    return job


def run_now_if_small(job: ImportJob) -> ImportJob:
    """For callers that answer with the result: run a queued small job right away."""
    if job.status == ImportStatus.QUEUED and job.file_size <= settings.LOUPAN_IMPORT_INLINE_BYTES:
        return import_run(job_id=job.pk)
    return job


def _stale(now: datetime) -> Q:
    """Queued or running jobs whose worker gave no sign of life since the threshold. Queued
    ones only when jobs run in this process (a thread, or inline): a broker keeps its queue
    across restarts, so a job queued there still runs, however long the wait."""
    cutoff = now - timedelta(seconds=settings.LOUPAN_IMPORT_STALE_SECONDS)
    statuses = [ImportStatus.RUNNING]
    if settings.CELERY_TASK_ALWAYS_EAGER:
        statuses.append(ImportStatus.QUEUED)
    return Q(status__in=statuses) & (
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    )


def import_jobs_fail_stale(*, now: datetime | None = None, job_id: int | None = None) -> int:
    """Fail the imports whose worker stopped (the web process restarted during a job that
    ran in its thread, a Celery worker was killed): queued or running with no heartbeat for
    ``LOUPAN_IMPORT_STALE_SECONDS``. Nothing of theirs was written (all or nothing), and
    the reason says so. Only ``job_id`` when given (the job's page polling). Returns how many.

    Runs from the job's page and API, the embedded scheduler and Celery beat. On SQLite a
    live import holds the database's write lock and cannot record heartbeats: the update
    does not wait for the lock and fails nothing while a writer holds it.
    """
    now = now or timezone.now()
    minutes = max(1, round(settings.LOUPAN_IMPORT_STALE_SECONDS / 60))
    reason = _(
        "Interrupted: the worker stopped (no sign of life for %(minutes)s minutes). Nothing was "
        "written, as an import writes all of its rows or none. Run it again."
    ) % {"minutes": minutes}
    try:
        with no_lock_wait():
            stale = ImportJob.objects.filter(_stale(now))
            if job_id is not None:
                stale = stale.filter(pk=job_id)
            ids = list(stale.values_list("pk", flat=True)[:100])
            if not ids:  # the usual answer, read without taking the write lock
                return 0
            with transaction.atomic():
                failed = list(
                    ImportJob.objects.select_for_update(no_key=True).filter(_stale(now), pk__in=ids)
                )
                for job in failed:
                    job.status, job.failure, job.finished_at = ImportStatus.FAILED, reason, now
                    job.save(update_fields=["status", "failure", "finished_at"])
                    audit_record(actor=None, action="import", obj=job, detail={
                        "kind": job.kind, "dry_run": job.dry_run, "status": job.status, "interrupted": True})  # fmt: skip
    except OperationalError:
        if connection.vendor != "sqlite":
            raise
        return 0  # a writer holds SQLite's lock, maybe the import itself: look again later
    for job in failed:
        logger.warning("import %s failed: no heartbeat since %s", job.pk, job.heartbeat_at)
        cache.delete(_progress_key(job.pk))
    return len(failed)


def import_check_alive(job: ImportJob) -> ImportJob:
    """``job``, failed first if its worker stopped (for the pages and the API that show it)."""
    if job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING) and import_jobs_fail_stale(job_id=job.pk):
        job.refresh_from_db()
    return job
