"""Work logs in the API (api-v1.md "Activities and work logs").

``GET worklogs/?user=ID&date=YYYY-MM-DD``: one person's day (default: the caller, today);
``GET worklogs/range/?user=&date_from=&date_to=``: counts per day; ``GET worklogs/team/?date=&site=``:
one row per salesperson in the caller's scope; ``PUT worklogs/note/`` ``{"text"}``: the caller's
notes for today. A person outside the caller's scope answers 404.
"""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from loupan.core.pagination import StandardPagination
from loupan.org.models import Site

from . import services, worklogs

_COUNT_FIELDS = {name: serializers.IntegerField() for name in worklogs.COUNTS}
WorkLogSchema = inline_serializer(
    "WorkLog",
    {"user": serializers.IntegerField(), "user_name": serializers.CharField(), "date": serializers.DateField(),
     **_COUNT_FIELDS, "notes": serializers.CharField(), "entries": serializers.ListField(child=serializers.DictField())},
)  # fmt: skip


class NoteSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, max_length=4000, trim_whitespace=True)
    date = serializers.DateField(required=False)


def _user(request):  # noqa: ANN001, ANN202
    return worklogs.worklog_user(reader=request.user, user_id=request.query_params.get("user"))


class WorkLogViewSet(viewsets.ViewSet):
    """工作日志: what a salesperson did on a day, computed from the records, plus their notes."""

    @extend_schema(
        parameters=[OpenApiParameter("user", int), OpenApiParameter("date", dt.date)], responses=WorkLogSchema
    )
    def list(self, request):  # noqa: ANN001, ANN201
        """One person's day: counts, what happened (entries, oldest first) and their notes."""
        date = worklogs.parse_date(request.query_params.get("date"))
        log = worklogs.worklog_day(reader=request.user, user=_user(request), date=date)
        return Response(log.as_dict())

    @extend_schema(
        parameters=[OpenApiParameter("user", int), OpenApiParameter("date_from", dt.date),
                    OpenApiParameter("date_to", dt.date)],
        responses=inline_serializer("WorkLogRange", {"totals": serializers.DictField()}),
    )  # fmt: skip
    @action(detail=False, methods=["get"], url_path="range")
    def range(self, request):  # noqa: ANN001, ANN201
        """Counts per day over at most 92 days (default: this month up to today)."""
        date_to = worklogs.parse_date(request.query_params.get("date_to"), "date_to")
        date_from = worklogs.parse_date(
            request.query_params.get("date_from"), "date_from", default=date_to.replace(day=1)
        )
        user = _user(request)
        return Response(
            worklogs.worklog_range(reader=request.user, user=user, date_from=date_from, date_to=date_to)
        )

    @extend_schema(
        parameters=[OpenApiParameter("date", dt.date), OpenApiParameter("site", int)],
        responses=inline_serializer("WorkLogTeam", {"count": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["get"])
    def team(self, request):  # noqa: ANN001, ANN201
        """One row per salesperson whose log the caller may read, paginated."""
        date = worklogs.parse_date(request.query_params.get("date"))
        site = None
        if request.query_params.get("site"):
            raw = request.query_params["site"]
            site = get_object_or_404(Site.objects.visible_to(request.user), pk=raw if raw.isdigit() else 0)
        paginator = StandardPagination()
        users = paginator.paginate_queryset(
            worklogs.worklog_team_users(reader=request.user, site=site), request
        )
        rows = worklogs.worklog_team(reader=request.user, users=users, date=date)
        data = [{**row, "user": row["user"].pk, "user_name": row["user"].display_name, "date": date.isoformat()}
                for row in rows]  # fmt: skip
        return paginator.get_paginated_response(data)

    @extend_schema(
        request=NoteSerializer, responses=inline_serializer("WorkLogNote", {"text": serializers.CharField()})
    )
    @action(detail=False, methods=["put", "post"])
    def note(self, request):  # noqa: ANN001, ANN201
        """Write the caller's notes for today (a past day's notes are read-only)."""
        body = NoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        note = services.worklog_note_set(
            actor=request.user, text=body.validated_data["text"], date=body.validated_data.get("date")
        )
        return Response({"user": note.user_id, "date": note.date.isoformat(), "text": note.text,
                         "updated_at": note.updated_at})  # fmt: skip
