"""Visits and the reception rotation in the API: ``visits/`` (来访登记) and ``reception/``.

Visits are visible exactly when their customer is. Registering one answers who receives the
visitor; when that is a colleague, the caller does not see the customer afterwards, so the
answer names nothing beyond the masked phone and the colleague (as a duplicate would).
"""

from __future__ import annotations

import django_filters
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from loupan.core.api import ScopedViewSetMixin
from loupan.core.errors import NotFound
from loupan.core.masking import mask_phone
from loupan.core.policy import can, require
from loupan.customers.choices import Gender
from loupan.customers.models import Customer
from loupan.org.models import Site, User

from . import services
from .choices import VisitKind
from .models import Visit
from .visit_selectors import reception_state
from .worklogs import day_bounds, parse_date


class VisitSerializer(serializers.ModelSerializer):
    customer_name = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    assigned_name = serializers.CharField(source="assigned_to.display_name", read_only=True)
    registered_by_name = serializers.CharField(source="registered_by.display_name", read_only=True)

    class Meta:
        model = Visit
        fields = [
            "id", "site", "customer", "customer_name", "phone", "kind", "new_customer", "assigned_to",
            "assigned_name", "assignment", "registered_by", "registered_by_name", "party_size", "notes",
            "occurred_at", "activity",
        ]  # fmt: skip
        read_only_fields = fields

    def _sees_customer(self) -> bool:
        return self.context.get("customer_visible", True)

    def get_customer_name(self, visit: Visit) -> str:
        return visit.customer.name if self._sees_customer() else ""

    def get_phone(self, visit: Visit) -> str:
        user = self.context["request"].user
        if self._sees_customer() and can(user, "customer.view_contact", visit.customer):
            return visit.customer.phone
        return mask_phone(visit.customer.phone)


class VisitCreateSerializer(serializers.Serializer):
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.filter(is_active=True))
    phone = serializers.CharField(max_length=30)
    name = serializers.CharField(max_length=60, required=False, allow_blank=True)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False)
    source = serializers.CharField(max_length=30, required=False, allow_blank=True)
    party_size = serializers.IntegerField(required=False, default=1)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=500)
    occurred_at = serializers.DateTimeField(required=False)


class VisitFilter(django_filters.FilterSet):
    """Plain ids, like the activities: an out-of-scope id filters to nothing."""

    site = django_filters.NumberFilter(field_name="site_id")
    customer = django_filters.NumberFilter(field_name="customer_id")
    assigned_to = django_filters.NumberFilter(field_name="assigned_to_id")
    kind = django_filters.ChoiceFilter(choices=VisitKind.choices)
    date = django_filters.CharFilter(method="on_date")

    class Meta:
        model = Visit
        fields = ["site", "customer", "assigned_to", "kind"]

    def on_date(self, qs, name, value):  # noqa: ANN001, ANN201
        start, end = day_bounds(parse_date(value))
        return qs.filter(occurred_at__gte=start, occurred_at__lt=end)


class VisitViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):  # fmt: skip
    """来访登记: walk-ins in the caller's scope; ``POST`` registers one and says who receives it."""

    queryset = Visit.objects.all()
    serializer_class = VisitSerializer
    filterset_class = VisitFilter
    ordering_fields = ["occurred_at", "id"]

    def scoped_queryset(self, qs):  # noqa: ANN001, ANN201
        return qs.select_related("customer", "assigned_to", "registered_by")

    @extend_schema(request=VisitCreateSerializer, responses={201: VisitSerializer})
    def create(self, request):  # noqa: ANN001, ANN201
        body = VisitCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        vd = body.validated_data
        visit = services.visit_register(
            actor=request.user, site=vd["site"], phone=vd["phone"], name=vd.get("name", ""),
            data={"gender": vd.get("gender"), "source": vd.get("source")}, notes=vd.get("notes", ""),
            party_size=vd["party_size"], occurred_at=vd.get("occurred_at"),
        )  # fmt: skip
        visible = Customer.objects.visible_to(request.user).filter(pk=visit.customer_id).exists()
        context = {**self.get_serializer_context(), "customer_visible": visible}
        return Response(VisitSerializer(visit, context=context).data, status=status.HTTP_201_CREATED)


# --- the reception rotation ---------------------------------------------------------------------


class DutySerializer(serializers.Serializer):
    site = serializers.IntegerField()
    user = serializers.IntegerField()
    on_duty = serializers.BooleanField()


class OrderSerializer(serializers.Serializer):
    site = serializers.IntegerField()
    users = serializers.ListField(child=serializers.IntegerField(), allow_empty=True)


def _site(request, value) -> Site:  # noqa: ANN001
    if not str(value or "").isdigit():
        raise NotFound(_("No such site."))
    return get_object_or_404(Site.objects.visible_to(request.user), pk=value)


def _state(site: Site) -> dict:
    state = reception_state(site=site)
    return {
        "site": site.pk,
        "next": state["next"].pk if state["next"] else None,
        "next_name": state["next"].display_name if state["next"] else "",
        "last": state["last_user_id"],
        "queue": [
            {"user": r["user"].pk, "name": r["user"].display_name, "position": r["position"],
             "on_duty": r["user"].on_duty, "receiving": r["receiving"]}
            for r in state["rows"]
        ],
    }  # fmt: skip


class ReceptionViewSet(viewsets.ViewSet):
    """接待轮序: a site's reception rotation. Read by the site's staff; ordered by its managers."""

    @extend_schema(
        parameters=[OpenApiParameter("site", int, required=True)],
        responses=inline_serializer("Reception", {"site": serializers.IntegerField()}),
    )
    def list(self, request):  # noqa: ANN001, ANN201
        """The rotation in order, who is on duty and who receives the next new visitor."""
        site = _site(request, request.query_params.get("site"))
        if not can(request.user, "reception.view", site):
            raise NotFound(_("No such site."))
        return Response(_state(site))

    @extend_schema(request=DutySerializer, responses=inline_serializer("ReceptionDuty", {}))
    @action(detail=False, methods=["post"])
    def duty(self, request):  # noqa: ANN001, ANN201
        """Say whether a salesperson of the site is on duty (managers of the site)."""
        body = DutySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        site = _site(request, body.validated_data["site"])
        require(
            request.user, "reception.manage", site, _("Only the site's managers can change who is on duty.")
        )
        user = get_object_or_404(User.objects.visible_to(request.user), pk=body.validated_data["user"])
        services.reception_duty_set(
            actor=request.user, site=site, user=user, on_duty=body.validated_data["on_duty"]
        )
        return Response(_state(site))

    @extend_schema(request=OrderSerializer, responses=inline_serializer("ReceptionOrder", {}))
    @action(detail=False, methods=["post"])
    def order(self, request):  # noqa: ANN001, ANN201
        """Put the rotation in a new order: every member's user id, once (managers of the site)."""
        body = OrderSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        site = _site(request, body.validated_data["site"])
        services.reception_order_set(actor=request.user, site=site, user_ids=body.validated_data["users"])
        return Response(_state(site))
