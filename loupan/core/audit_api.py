"""Audit log API: company managers and admins read who did what (others 403)."""

from __future__ import annotations

from rest_framework import serializers, viewsets

from .models import AuditEvent
from .permissions import policy_permission


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    row_count = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "actor",
            "actor_id",
            "action",
            "at",
            "object_type",
            "object_id",
            "changes",
            "detail",
            "row_count",
        ]

    def get_actor(self, event: AuditEvent) -> str:
        return event.actor_name

    def get_row_count(self, event: AuditEvent) -> int | None:
        return (event.detail or {}).get("row_count")


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = AuditEvent.objects.all()
    serializer_class = AuditEventSerializer
    permission_classes = [policy_permission("audit.read", "audit.read")]
    filterset_fields = ["object_type", "object_id", "action", "actor"]
    ordering_fields = ["at", "id"]
