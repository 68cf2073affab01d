"""Activities API (api-v1.md "Activities"): visible exactly when their customer is."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext as _
from rest_framework import mixins, serializers, viewsets

from loupan.core.api import ScopedViewSetMixin
from loupan.core.errors import ValidationFailed
from loupan.customers.models import Customer

from . import services
from .choices import ActivityKind
from .models import Activity


class ActivitySerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=ActivityKind.choices)
    user_name = serializers.CharField(source="user.display_name", read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "customer",
            "user",
            "user_name",
            "kind",
            "occurred_at",
            "notes",
            "next_action_at",
            "created_at",
        ]
        read_only_fields = ["user", "created_at"]
        extra_kwargs = {"customer": {"queryset": Customer.objects.all()}, "occurred_at": {"required": False}}

    def get_fields(self) -> dict:
        # A customer outside the caller's scope does not exist for them: the same
        # "object does not exist" answer as for an id nobody has.
        fields = super().get_fields()
        request = self.context.get("request")
        fields["customer"].queryset = Customer.objects.visible_to(getattr(request, "user", None))
        return fields


class ActivityFilter(django_filters.FilterSet):
    """Filters by plain ids: an out-of-scope customer or user filters to nothing, like a
    missing one, instead of answering 400 for ids that do not exist (which would tell them apart)."""

    customer = django_filters.NumberFilter(field_name="customer_id")
    user = django_filters.NumberFilter(field_name="user_id")
    kind = django_filters.ChoiceFilter(choices=ActivityKind.choices)

    class Meta:
        model = Activity
        fields = ["customer", "kind", "user"]


class ActivityViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    """Follow-ups. Created by the caller; never edited afterwards (the history stays true)."""

    queryset = Activity.objects.all()
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter
    ordering_fields = ["occurred_at", "id"]

    def scoped_queryset(self, qs):  # noqa: ANN001, ANN201
        return qs.select_related("user")

    def perform_create(self, serializer) -> None:  # noqa: ANN001
        vd = serializer.validated_data
        if vd.get("kind") is None:
            raise ValidationFailed({"kind": [_("Choose a kind.")]})
        serializer.instance = services.activity_create(
            actor=self.request.user,
            customer=vd["customer"],
            kind=vd["kind"],
            occurred_at=vd.get("occurred_at"),
            notes=vd.get("notes", ""),
            next_action_at=vd.get("next_action_at"),
        )
