"""Reports API (api-v1.md "Reports"): the registry, a report over the caller's scope, its export,
and purchase-intention segments."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from . import exports, selectors

FILTER_PARAMS = [
    OpenApiParameter("site", int), OpenApiParameter("project", int),
    OpenApiParameter("date_from", OpenApiTypes.DATE), OpenApiParameter("date_to", OpenApiTypes.DATE),
    OpenApiParameter("status", str),
]  # fmt: skip


class ReportViewSet(viewsets.ViewSet):
    """Every report is computed over the caller's data scope only."""

    lookup_field = "slug"
    lookup_value_regex = r"[a-z0-9-]+"

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def list(self, request):  # noqa: ANN001, ANN201
        """``[{slug, title, category}]``: every report the caller may run."""
        return Response(selectors.report_list(user=request.user))

    @extend_schema(parameters=FILTER_PARAMS, responses={200: OpenApiTypes.OBJECT})
    def retrieve(self, request, slug=None):  # noqa: ANN001, ANN201
        """``{slug, title, category, columns, kinds, rows, chart, filters, computed_at}``; ``chart`` is an
        ECharts option. ``computed_at`` is null for a live result, or the time a slow result (over
        ``LOUPAN_REPORT_CACHE_SLOW_SECONDS``) was computed: it is then served for up to
        ``LOUPAN_REPORT_CACHE_SECONDS`` to the same scope and filters."""
        report = selectors.report_get(user=request.user, slug=slug)
        filters = selectors.report_filters(user=request.user, params=request.query_params)
        return Response(selectors.report_result(user=request.user, report=report, filters=filters))

    @extend_schema(
        parameters=[*FILTER_PARAMS, OpenApiParameter("format", str, enum=[*exports.FORMATS])],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"])
    def export(self, request, slug=None):  # noqa: ANN001, ANN201
        """The report as XLSX (or CSV); audited."""
        report = selectors.report_get(user=request.user, slug=slug)
        filters = selectors.report_filters(user=request.user, params=request.query_params)
        content, filename, mime = exports.report_export(
            actor=request.user, report=report, filters=filters, fmt=request.query_params.get("format", "xlsx")
        )
        response = HttpResponse(content, content_type=mime)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


def _segment_payload(result: dict) -> Response:
    response = Response(result["segments"], status=202 if result["mode"] == "pending" else 200)
    if result["computed_at"]:
        response["X-Computed-At"] = result["computed_at"].isoformat()
    response["X-Intentions"] = str(result["intentions"])
    response["X-Sample-Size"] = str(result["sample_size"])
    response["X-Segments-Mode"] = result["mode"]
    return response


class SegmentViewSet(viewsets.ViewSet):
    """Purchase-intention segments over the caller's scope (k-means; k chosen by the data)."""

    @extend_schema(parameters=[OpenApiParameter("k", int, description="2-10; omit to let the data choose")],
                   responses={200: OpenApiTypes.OBJECT})  # fmt: skip
    def list(self, request):  # noqa: ANN001, ANN201
        """``[{label, size, centroid, share}]``; computed now under 100,000 intentions, else the latest
        background run (``X-Computed-At`` says when)."""
        k = selectors.segment_k(request.query_params)
        return _segment_payload(selectors.segment_list(user=request.user, k=k))
