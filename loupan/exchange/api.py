"""API of imports (api-v1.md "Imports and exports"): ``POST imports/``, ``GET imports/{id}/``."""

from __future__ import annotations

import json

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from loupan.core.api import ScopedViewSetMixin
from loupan.core.spreadsheets import MIME

from . import services
from .choices import ImportKind
from .models import ImportJob
from .report import report_xlsx


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(
        help_text="Row number in the file as a spreadsheet shows it (headers are row 1)."
    )
    column = serializers.CharField(help_text="The file's column header (or the field name when unmapped).")
    value = serializers.CharField(help_text="The cell's value as read.")
    message = serializers.CharField()


class ImportJobSerializer(serializers.ModelSerializer):
    errors = ImportErrorSerializer(many=True, read_only=True, help_text="At most the first 5,000 errors.")
    progress = serializers.SerializerMethodField(help_text="Rows read so far and percent done.")

    class Meta:
        model = ImportJob
        fields = [
            "id", "kind", "source", "dry_run", "status", "file_name", "total_rows", "valid_rows", "created",
            "updated", "unchanged", "error_count", "errors", "failure", "mapping", "progress", "dry_run_job",
            "created_at", "started_at", "finished_at",
        ]  # fmt: skip
        extra_kwargs = {"dry_run_job": {"help_text": "For a commit: the id of the dry run it imports."}}
        read_only_fields = fields

    def get_progress(self, job: ImportJob) -> dict:
        return services.import_progress(job)


class ImportCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ImportKind.choices)
    file = serializers.FileField(help_text="CSV (UTF-8 with or without BOM, or GB18030/GBK) or XLSX.")
    dry_run = serializers.BooleanField(default=True, help_text="Validate only; nothing is written.")
    source = serializers.CharField(
        default="legacy", max_length=40, help_text="The old system's name: legacy ids are unique per source."
    )
    mapping = serializers.CharField(
        required=False, help_text='JSON object {"file header": "field"} on top of the proposed mapping.'
    )
    save_mapping = serializers.BooleanField(default=False, help_text="Keep this mapping for the source.")

    def validate_mapping(self, value: str) -> dict:
        try:
            mapping = json.loads(value)
        except ValueError:
            raise serializers.ValidationError("Not JSON.") from None
        if not isinstance(mapping, dict):
            raise serializers.ValidationError("A JSON object is expected.")
        return mapping


ERRORS = {
    400: OpenApiResponse(
        description='Bad input, per field: `{"file": ["..."], "mapping": ["..."]}`; nothing stored.'
    ),
    401: OpenApiResponse(description="No token, a bad token, or an expired or revoked system token."),
    403: OpenApiResponse(
        description="Not allowed: salespeople and agents may not import; projects, units and contracts "
        "need a company-wide role; a system token needs the scope imports:write."
    ),
}
NOT_FOUND = {404: OpenApiResponse(description="No such import, or another manager's (out of your scope).")}
CONFLICT = {
    409: OpenApiResponse(
        description='`{"code": "import_not_committable", "detail", "import_id"}`: not a dry run that '
        'succeeded; `{"code": "import_already_committed", "detail", "commit_id"}`: a commit of this dry '
        "run is queued, running or done (a failed or rejected one wrote nothing and does not count)."
    )
}


class ImportJobViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Imports of legacy files. A manager sees their own imports, company-wide roles all.

    With any row error and ``dry_run`` false nothing is written (status ``rejected``).
    A dry run that succeeded is imported for real with ``POST imports/{id}/commit/``.
    Files above 1 MB run in the background: the answer is 202 with status ``queued``;
    poll ``GET imports/{id}/``.
    """

    queryset = ImportJob.objects.all()
    serializer_class = ImportJobSerializer
    parser_classes = [MultiPartParser, FormParser]
    filterset_fields = ["kind", "status", "dry_run"]
    ordering_fields = ["created_at", "id"]

    @extend_schema(responses={200: ImportJobSerializer, **NOT_FOUND})
    def retrieve(self, request, *args, **kwargs):  # noqa: ANN001, ANN201
        """One import: its status, counts, progress and the report (the first 5,000 errors).

        A queued or running import whose worker stopped (no sign of life for 10 minutes by
        default) answers as ``failed``, with the reason in ``failure``; nothing was written.
        """
        job = services.import_check_alive(self.get_object())
        return Response(self.get_serializer(job).data)

    def list(self, request, *args, **kwargs):  # noqa: ANN001, ANN201
        """The imports, newest first; those whose worker stopped are failed first."""
        services.import_jobs_fail_stale()
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request={"multipart/form-data": ImportCreateSerializer},
        responses={201: ImportJobSerializer, 202: ImportJobSerializer},
    )
    def create(self, request, *args, **kwargs):  # noqa: ANN001, ANN201
        """Upload a legacy file: validate every row (dry run) or import it, all or nothing."""
        data = ImportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = services.import_create(actor=request.user, **data.validated_data)
        job = services.run_now_if_small(job)
        code = status.HTTP_201_CREATED if job.is_finished else status.HTTP_202_ACCEPTED
        return Response(ImportJobSerializer(job, context={"request": request}).data, status=code)

    @extend_schema(
        request=None, responses={201: ImportJobSerializer, 202: ImportJobSerializer, **NOT_FOUND, **CONFLICT}
    )
    @action(detail=True, methods=["post"])
    def commit(self, request, pk=None):  # noqa: ANN001, ANN201
        """Import a dry run's file for real, as a new job with the same file and mapping.

        Only a dry run that succeeded, and once: a second call answers 409. 201 with the
        finished commit, or 202 with status ``queued`` for a large file (poll the new id).
        """
        job = services.import_commit(actor=request.user, job=self.get_object())
        job = services.run_now_if_small(job)
        code = status.HTTP_201_CREATED if job.is_finished else status.HTTP_202_ACCEPTED
        return Response(ImportJobSerializer(job, context={"request": request}).data, status=code)

    @extend_schema(responses={(200, MIME["xlsx"]): OpenApiTypes.BINARY, **NOT_FOUND})
    @action(detail=True, methods=["get"])
    def report(self, request, pk=None):  # noqa: ANN001, ANN201
        """The report (row, column, value, message) as an XLSX file."""
        job = self.get_object()
        response = HttpResponse(report_xlsx(job), content_type=MIME["xlsx"])
        response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-report.xlsx"'
        return response
