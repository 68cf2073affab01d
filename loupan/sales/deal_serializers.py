"""Serializers of the deals API: the fields api-v1.md names, with the choices of related
rows (customers, projects, units, contracts) limited to the caller's data scope."""

from __future__ import annotations

from rest_framework import serializers

from loupan.customers.models import Customer
from loupan.inventory.models import Project, Unit

from . import services as ds
from .choices import ContractStatus, PaymentChannel, PaymentMethod, ScheduleKind
from .models import Contract, Payment, Reservation, Subscription
from .models.deals import MONEY


class ScopedChoicesMixin:
    """Related ids outside the caller's scope do not exist for them (400 "does not exist")."""

    def scoped_querysets(self, user) -> dict:  # noqa: ANN001
        return {}

    def get_fields(self) -> dict:
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        for name, qs in self.scoped_querysets(user).items():
            if name in fields and not fields[name].read_only:
                fields[name].queryset = qs
        return fields


class ReservationSerializer(ScopedChoicesMixin, serializers.ModelSerializer):
    deposit = serializers.DecimalField(**MONEY)

    class Meta:
        model = Reservation
        validators: list = []  # the services and the database decide (409, not 400)
        fields = [
            "id",
            "project",
            "customer",
            "deposit",
            "queue_number",
            "status",
            "created_at",
            "refunded_at",
        ]
        read_only_fields = ["queue_number", "status", "created_at", "refunded_at"]
        extra_kwargs = {
            "project": {"queryset": Project.objects.all()},
            "customer": {"queryset": Customer.objects.all()},
        }

    def scoped_querysets(self, user) -> dict:  # noqa: ANN001
        return {"project": Project.objects.visible_to(user), "customer": Customer.objects.visible_to(user)}


class SubscriptionSerializer(ScopedChoicesMixin, serializers.ModelSerializer):
    price = serializers.DecimalField(**MONEY, required=False)
    deposit = serializers.DecimalField(**MONEY, required=False)

    class Meta:
        model = Subscription
        validators: list = []  # the services and the database decide (409, not 400)
        fields = [
            "id", "unit", "customer", "reservation", "price", "deposit", "sign_deadline", "status",
            "created_by", "created_at", "cancelled_at", "cancel_reason",
        ]  # fmt: skip
        read_only_fields = ["status", "created_by", "created_at", "cancelled_at", "cancel_reason"]
        extra_kwargs = {
            "unit": {"queryset": Unit.objects.all()},
            "customer": {"queryset": Customer.objects.all()},
            "reservation": {"queryset": Reservation.objects.all(), "required": False},
            "sign_deadline": {"required": False},
        }

    def scoped_querysets(self, user) -> dict:  # noqa: ANN001
        return {
            "unit": Unit.objects.visible_to(user),
            "customer": Customer.objects.visible_to(user),
            "reservation": Reservation.objects.visible_to(user),
        }


class ScheduleItemSerializer(serializers.Serializer):
    due_date = serializers.DateField()
    amount = serializers.DecimalField(**MONEY)
    kind = serializers.ChoiceField(choices=ScheduleKind.choices, required=False)


class ContractSerializer(ScopedChoicesMixin, serializers.ModelSerializer):
    price = serializers.DecimalField(**MONEY, required=False)
    payment_method = serializers.ChoiceField(choices=PaymentMethod.choices)
    status = serializers.ChoiceField(choices=ContractStatus.choices, read_only=True)
    schedule = ScheduleItemSerializer(many=True, required=False)
    installments = serializers.IntegerField(
        required=False, min_value=2, max_value=ds.MAX_INSTALLMENTS, write_only=True
    )
    paid = serializers.SerializerMethodField()
    outstanding = serializers.SerializerMethodField()

    class Meta:
        model = Contract
        validators: list = []  # the services and the database decide (409, not 400)
        fields = [
            "id", "subscription", "unit", "customer", "list_price", "price", "discount_percent",
            "payment_method", "installments", "signed_at", "status", "approved_by", "approved_at",
            "cancelled_at", "cancel_reason", "schedule", "paid", "outstanding", "created_at",
        ]  # fmt: skip
        read_only_fields = [
            "unit", "customer", "list_price", "discount_percent", "status", "approved_by", "approved_at",
            "cancelled_at", "cancel_reason", "created_at",
        ]  # fmt: skip
        extra_kwargs = {
            "subscription": {"queryset": Subscription.objects.all()},
            "signed_at": {"required": False},
        }

    def scoped_querysets(self, user) -> dict:  # noqa: ANN001
        return {"subscription": Subscription.objects.visible_to(user)}

    def _paid(self, contract: Contract):  # noqa: ANN202
        value = getattr(contract, "paid_sum", None)
        return value if value is not None else ds.paid_total(contract)

    def get_paid(self, contract: Contract) -> str:
        return f"{self._paid(contract):.2f}"

    def get_outstanding(self, contract: Contract) -> str:
        if contract.status == ContractStatus.CANCELLED:
            return "0.00"
        return f"{contract.price - self._paid(contract):.2f}"


class PaymentSerializer(ScopedChoicesMixin, serializers.ModelSerializer):
    amount = serializers.DecimalField(**MONEY)
    method = serializers.ChoiceField(choices=PaymentChannel.choices)

    class Meta:
        model = Payment
        validators: list = []  # the services and the database decide (409, not 400)
        fields = [
            "id",
            "contract",
            "customer",
            "amount",
            "received_at",
            "method",
            "carried_from",
            "created_at",
        ]
        read_only_fields = ["customer", "carried_from", "created_at"]
        extra_kwargs = {"contract": {"queryset": Contract.objects.all()}, "received_at": {"required": False}}

    def scoped_querysets(self, user) -> dict:  # noqa: ANN001
        return {"contract": Contract.objects.visible_to(user)}


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)


class UnitChangeSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    price = serializers.DecimalField(**MONEY, required=False)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)

    def get_fields(self) -> dict:
        fields = super().get_fields()
        fields["unit"].queryset = Unit.objects.visible_to(getattr(self.context.get("request"), "user", None))
        return fields

    @classmethod
    def change_kwargs(cls, view, request) -> dict:  # noqa: ANN001
        """The validated body of a 换房 request as keyword arguments of the change services."""
        body = cls(data=request.data, context=view.get_serializer_context())
        body.is_valid(raise_exception=True)
        vd = body.validated_data
        return {"new_unit": vd["unit"], "price": vd.get("price"), "reason": vd.get("reason", "")}
