"""Deals API (api-v1.md "Deals"): reservations, subscriptions, contracts, payments.

Every list and detail goes through ``visible_to`` (deals follow their customer's scope:
out of scope is 404); every write through :mod:`loupan.sales.services`, whose typed
errors render as 400 per field, 403 and 409 ``{"code", "detail"}``.
"""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from loupan.core.api import ScopedViewSetMixin

from . import services as ds
from .deal_serializers import (
    ContractSerializer,
    PaymentSerializer,
    ReasonSerializer,
    ReservationSerializer,
    ScheduleItemSerializer,
    SubscriptionSerializer,
    UnitChangeSerializer,
)
from .models import Contract, Payment, Reservation, Subscription
from .models.deals import MONEY


class _DealViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    """Scoped list, detail and create; deal records are never edited or deleted directly."""

    ordering_fields = ["created_at", "id"]

    def _reason(self, request) -> str:  # noqa: ANN001
        body = ReasonSerializer(data=request.data if hasattr(request.data, "get") else {})
        body.is_valid(raise_exception=True)
        return body.validated_data.get("reason", "")

    def _respond(self, obj, code: int = status.HTTP_200_OK) -> Response:  # noqa: ANN001
        fresh = self.get_queryset().get(pk=obj.pk)
        return Response(self.get_serializer(fresh).data, status=code)


class ReservationFilter(django_filters.FilterSet):
    project = django_filters.NumberFilter(field_name="project_id")
    customer = django_filters.NumberFilter(field_name="customer_id")

    class Meta:
        model = Reservation
        fields = ["project", "customer", "status"]


class ReservationViewSet(_DealViewSet):
    """认筹: deposits with gapless queue numbers per project."""

    queryset = Reservation.objects.all()
    serializer_class = ReservationSerializer
    filterset_class = ReservationFilter
    ordering_fields = ["queue_number", "created_at", "id"]

    def perform_create(self, serializer) -> None:  # noqa: ANN001
        vd = serializer.validated_data
        serializer.instance = ds.reservation_create(
            actor=self.request.user, project=vd["project"], customer=vd["customer"], deposit=vd["deposit"]
        )

    @extend_schema(request=ReasonSerializer)
    @action(detail=True, methods=["post"])
    def refund(self, request, pk=None):  # noqa: ANN001, ANN201
        """Refund the deposit (managers); the queue number is not reused."""
        return self._respond(
            ds.reservation_refund(
                actor=request.user, reservation=self.get_object(), reason=self._reason(request)
            )
        )


class SubscriptionFilter(django_filters.FilterSet):
    unit = django_filters.NumberFilter(field_name="unit_id")
    customer = django_filters.NumberFilter(field_name="customer_id")
    overdue = django_filters.BooleanFilter(method="filter_overdue")

    class Meta:
        model = Subscription
        fields = ["unit", "customer", "status"]

    def filter_overdue(self, queryset, name, value):  # noqa: ANN001, ANN201
        from django.utils import timezone

        if value:
            return queryset.filter(status="active", sign_deadline__lt=timezone.localdate())
        return queryset


class SubscriptionViewSet(_DealViewSet):
    """认购: one active subscription per unit; a unit that is not available is 409."""

    queryset = Subscription.objects.all()
    serializer_class = SubscriptionSerializer
    filterset_class = SubscriptionFilter

    def scoped_queryset(self, qs):  # noqa: ANN001, ANN201
        return qs.select_related("unit", "customer")

    def perform_create(self, serializer) -> None:  # noqa: ANN001
        vd = serializer.validated_data
        serializer.instance = ds.subscription_create(
            actor=self.request.user, unit=vd["unit"], customer=vd["customer"], price=vd.get("price"),
            deposit=vd.get("deposit"), sign_deadline=vd.get("sign_deadline"), reservation=vd.get("reservation"),
        )  # fmt: skip

    @extend_schema(request=ReasonSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):  # noqa: ANN001, ANN201
        """Cancel (managers): the unit is available again."""
        return self._respond(
            ds.subscription_cancel(
                actor=request.user, subscription=self.get_object(), reason=self._reason(request)
            )
        )

    @extend_schema(request=UnitChangeSerializer)
    @action(detail=True, methods=["post"], url_path="change-unit")
    def change_unit(self, request, pk=None):  # noqa: ANN001, ANN201
        """换房 (managers): a new subscription on another available unit; answers the new one."""
        subscription = self.get_object()
        change = ds.subscription_change_unit(
            actor=request.user, subscription=subscription, **UnitChangeSerializer.change_kwargs(self, request)
        )
        return self._respond(change.to_subscription, status.HTTP_201_CREATED)


class ContractFilter(django_filters.FilterSet):
    customer = django_filters.NumberFilter(field_name="customer_id")
    unit = django_filters.NumberFilter(field_name="unit_id")

    class Meta:
        model = Contract
        fields = ["customer", "unit", "status", "payment_method"]


class ContractViewSet(_DealViewSet):
    """签约: price, discount (above the site's limit: approval), method and schedule."""

    queryset = Contract.objects.all()
    serializer_class = ContractSerializer
    filterset_class = ContractFilter

    def scoped_queryset(self, qs):  # noqa: ANN001, ANN201
        from django.db.models import DecimalField, Sum, Value
        from django.db.models.functions import Coalesce

        paid = Coalesce(Sum("payments__amount"), Value(0), output_field=DecimalField(**MONEY))
        return qs.annotate(paid_sum=paid).prefetch_related("schedule").order_by("-created_at", "-id")

    def perform_create(self, serializer) -> None:  # noqa: ANN001
        vd = serializer.validated_data
        serializer.instance = ds.contract_create(
            actor=self.request.user, subscription=vd["subscription"], payment_method=vd["payment_method"],
            price=vd.get("price"), signed_at=vd.get("signed_at"), installments=vd.get("installments"),
            schedule=[dict(i) for i in vd["schedule"]] if vd.get("schedule") else None,
        )  # fmt: skip

    def create(self, request, *args, **kwargs):  # noqa: ANN001, ANN201
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        return self._respond(serializer.instance, status.HTTP_201_CREATED)

    @extend_schema(
        request=inline_serializer("Approve", {"signed_at": serializers.DateTimeField(required=False)})
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):  # noqa: ANN001, ANN201
        """Approve a discount above the site's limit (managers of the site): the contract is signed."""
        return self._respond(ds.contract_approve(actor=request.user, contract=self.get_object()))

    @extend_schema(request=ReasonSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):  # noqa: ANN001, ANN201
        """退房 (managers): the unit returns to sale; payments stay on the record."""
        contract = self.get_object()
        ds.contract_cancel(actor=request.user, contract=contract, reason=self._reason(request))
        return self._respond(contract)

    @extend_schema(request=inline_serializer("ScheduleEdit", {"schedule": ScheduleItemSerializer(many=True)}))
    @action(detail=True, methods=["post"])
    def schedule(self, request, pk=None):  # noqa: ANN001, ANN201
        """Replace the schedule of a contract awaiting approval."""
        contract = self.get_object()
        body = serializers.ListField(child=ScheduleItemSerializer())
        items = body.run_validation(request.data.get("schedule", []) if hasattr(request.data, "get") else [])
        ds.contract_schedule_set(actor=request.user, contract=contract, schedule=[dict(i) for i in items])
        return self._respond(contract)

    @extend_schema(request=UnitChangeSerializer)
    @action(detail=True, methods=["post"], url_path="change-unit")
    def change_unit(self, request, pk=None):  # noqa: ANN001, ANN201
        """换房 (managers): a new contract on another unit; payments carried over. Answers the new one."""
        contract = self.get_object()
        change = ds.contract_change_unit(
            actor=request.user, contract=contract, **UnitChangeSerializer.change_kwargs(self, request)
        )
        return self._respond(change.to_contract, status.HTTP_201_CREATED)

    @extend_schema(
        request=inline_serializer("HandoverRequest", {"notes": serializers.CharField(required=False)})
    )
    @action(detail=True, methods=["post"])
    def handover(self, request, pk=None):  # noqa: ANN001, ANN201
        """交房 (managers), once paid in full: unit handed over, customer an owner."""
        contract = self.get_object()
        notes = str(request.data.get("notes", "")) if hasattr(request.data, "get") else ""
        ds.handover(actor=request.user, contract=contract, notes=notes)
        return self._respond(contract)

    @action(detail=True, methods=["get"])
    def receivables(self, request, pk=None):  # noqa: ANN001, ANN201
        """The schedule with what is paid against each item, outstanding and overdue."""
        rec = ds.contract_receivables(contract=self.get_object())
        money = ("price", "paid", "outstanding", "overdue")
        data = {k: (f"{v:.2f}" if k in money else v) for k, v in rec.items() if k != "items"}
        data["items"] = [
            {**i, "due_date": i["due_date"].isoformat(),
             **{k: f"{i[k]:.2f}" for k in ("amount", "paid", "outstanding")}}
            for i in rec["items"]
        ]  # fmt: skip
        return Response(data)


class PaymentFilter(django_filters.FilterSet):
    contract = django_filters.NumberFilter(field_name="contract_id")
    customer = django_filters.NumberFilter(field_name="customer_id")

    class Meta:
        model = Payment
        fields = ["contract", "customer", "method"]


class PaymentViewSet(_DealViewSet):
    """回款: positive amounts up to what the contract still owes; never edited or deleted.

    An ``Idempotency-Key`` header makes a retried POST return the payment already recorded.
    """

    queryset = Payment.objects.all()
    serializer_class = PaymentSerializer
    filterset_class = PaymentFilter
    ordering_fields = ["received_at", "id"]

    @extend_schema(parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)])
    def create(self, request, *args, **kwargs):  # noqa: ANN001, ANN201
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        vd = serializer.validated_data
        payment, created = ds.payment_record(
            actor=request.user, contract=vd["contract"], amount=vd["amount"], method=vd["method"],
            received_at=vd.get("received_at"), idempotency_key=request.headers.get("Idempotency-Key"),
        )  # fmt: skip
        response = self._respond(payment, status.HTTP_201_CREATED)
        if not created:
            response["Idempotent-Replayed"] = "true"
        return response


__all__ = ["ContractViewSet", "PaymentViewSet", "ReservationViewSet", "SubscriptionViewSet"]
