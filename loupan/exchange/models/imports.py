"""Imports of legacy data: the job, the saved column mappings, and the legacy-id links."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _

from loupan.core.scoping import ScopeKind, scope_for

from ..choices import LIVE_COMMIT_STATUSES, ImportKind, ImportStatus


def _upload_storage() -> FileSystemStorage:
    return FileSystemStorage(location=settings.VAR_DIR / "imports")


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user) -> ImportJobQuerySet:  # noqa: ANN001
        """Company-wide roles see every import; other managers their own."""
        scope = scope_for(user)
        if scope.kind is ScopeKind.ALL:
            return self.all()
        if scope.kind is ScopeKind.SITES:
            return self.filter(created_by_id=user.pk)
        return self.none()


class ImportJob(models.Model):
    """One upload of a legacy file: a dry run or a commit, and its report."""

    kind = models.CharField(_("kind"), max_length=12, choices=ImportKind.choices)
    source = models.CharField(
        _("source system"),
        max_length=40,
        default="legacy",
        help_text=_("The old system the file comes from."),
    )
    dry_run = models.BooleanField(_("dry run"), default=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    file = models.FileField(storage=_upload_storage, upload_to="%Y/%m", max_length=200)
    file_name = models.CharField(_("file"), max_length=200)
    file_size = models.PositiveBigIntegerField(default=0)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    valid_rows = models.PositiveIntegerField(_("valid rows"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    errors = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    failure = models.TextField(_("why it failed"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    token = models.ForeignKey(
        "exchange.SystemToken", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The system token the import came through: its sites bound the import.",
    )  # fmt: skip
    # For a commit: the succeeded dry run whose file it imports (import_commit).
    dry_run_job = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commits",
        verbose_name=_("dry run"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The worker's last sign of life: set when queued, when it starts and every few seconds
    # while it runs; long silent means the worker stopped (services.import_jobs_fail_stale).
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["created_by", "-created_at"], name="import_creator_idx")]
        constraints = [
            # One commit per dry run at a time, and none after one succeeded; a failed or
            # rejected commit wrote nothing, so the dry run may be committed again.
            models.UniqueConstraint(
                fields=["dry_run_job"],
                condition=models.Q(status__in=LIVE_COMMIT_STATUSES),
                name="import_one_commit_per_dry_run",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name}"

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.SUCCEEDED, ImportStatus.REJECTED, ImportStatus.FAILED)


class ImportMapping(models.Model):
    """A column mapping saved for one source system and kind: file header -> field."""

    source = models.CharField(_("source system"), max_length=40)
    kind = models.CharField(_("kind"), max_length=12, choices=ImportKind.choices)
    columns = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "kind"], name="import_mapping_unique")]

    def __str__(self) -> str:
        return f"{self.source}/{self.kind}"


class LegacyRecord(models.Model):
    """The link from a legacy system's id to the record it became (idempotent imports)."""

    source = models.CharField(max_length=40)
    kind = models.CharField(max_length=12, choices=ImportKind.choices)
    legacy_id = models.CharField(_("legacy id"), max_length=64)
    object_id = models.BigIntegerField()
    row_hash = models.CharField(max_length=32)
    job = models.ForeignKey(ImportJob, null=True, on_delete=models.SET_NULL, related_name="+")
    row = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "kind", "legacy_id"], name="legacy_record_unique")
        ]
        indexes = [models.Index(fields=["kind", "object_id"], name="legacy_object_idx")]

    def __str__(self) -> str:
        return f"{self.source}/{self.kind}/{self.legacy_id}"
