"""The deal workflow: 认筹 reservations, 认购 subscriptions, 签约 contracts, 回款 payments,
交房 handover, 退房 cancellations and 换房 changes of unit.

Every deal record is visible exactly when its customer is (domain.md): each manager is a
``ScopedQuerySet`` with ``scope_prefix = "customer__"``. Status changes happen only in
``loupan.sales.services``; nothing here holds a business rule beyond the database
constraints that back those services (one active subscription per unit, gapless queue
numbers unique per project, positive money).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from loupan.core.scoping import ScopedQuerySet

from ..choices import (
    ContractStatus,
    PaymentChannel,
    PaymentMethod,
    ReservationStatus,
    ScheduleKind,
    SubscriptionStatus,
    UnitChangeKind,
)

MONEY = {"max_digits": 14, "decimal_places": 2}


class DealQuerySet(ScopedQuerySet):
    """Deal rows follow their customer's visibility."""

    scope_prefix = "customer__"


class QueueCounter(models.Model):
    """The last queue number handed out per project: taken under a row lock, so gapless."""

    project = models.OneToOneField(
        "inventory.Project", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.project_id}: {self.last_number}"


class DealStep(models.Model):
    """What every step of a deal keeps: who recorded it and when; seen when its customer is."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = DealQuerySet.as_manager()

    class Meta:
        abstract = True


class RevocableDealStep(DealStep):
    """A step that can be undone (a subscription given up, a contract cancelled): by whom,
    when and why stay on the record; the row itself is never deleted."""

    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancel_reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        abstract = True


class Reservation(DealStep):
    """认筹 / 排号: a refundable deposit for a project and a queue number for the launch."""

    project = models.ForeignKey(
        "inventory.Project", on_delete=models.PROTECT, related_name="reservations", verbose_name=_("project")
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="reservations",
        verbose_name=_("customer"),
    )
    deposit = models.DecimalField(_("deposit"), **MONEY)
    queue_number = models.PositiveIntegerField(_("queue number"), editable=False)
    status = models.CharField(
        _("status"), max_length=12, choices=ReservationStatus.choices, default=ReservationStatus.ACTIVE
    )
    refunded_at = models.DateTimeField(_("refunded"), null=True, blank=True)
    refunded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    refund_reason = models.CharField(_("refund reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["project", "queue_number"]
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        constraints = [
            models.UniqueConstraint(fields=["project", "queue_number"], name="reservation_queue_unique"),
            models.CheckConstraint(condition=Q(deposit__gt=0), name="reservation_deposit_positive"),
        ]
        indexes = [models.Index(fields=["customer", "-created_at"], name="resv_customer_idx")]

    def __str__(self) -> str:
        return f"{self.project_id} #{self.queue_number}"


class Subscription(RevocableDealStep):
    """认购: a customer takes one unit with a deposit (定金) and a deadline to sign."""

    unit = models.ForeignKey(
        "inventory.Unit", on_delete=models.PROTECT, related_name="subscriptions", verbose_name=_("unit")
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="subscriptions",
        verbose_name=_("customer"),
    )
    reservation = models.ForeignKey(
        Reservation, null=True, blank=True, on_delete=models.PROTECT, related_name="subscriptions"
    )
    price = models.DecimalField(_("price"), **MONEY)
    deposit = models.DecimalField(_("deposit"), default=Decimal("0"), **MONEY)
    sign_deadline = models.DateField(_("sign by"))
    status = models.CharField(
        _("status"), max_length=12, choices=SubscriptionStatus.choices, default=SubscriptionStatus.ACTIVE
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=Q(status="active"), name="one_active_subscription_per_unit"
            ),
            models.CheckConstraint(condition=Q(price__gt=0), name="subscription_price_positive"),
            models.CheckConstraint(condition=Q(deposit__gte=0), name="subscription_deposit_not_negative"),
        ]
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="subs_customer_idx"),
            models.Index(fields=["status", "sign_deadline"], name="subs_deadline_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} / {self.customer_id}"


class Contract(RevocableDealStep):
    """签约: the sales contract with the agreed price, discount and payment method."""

    subscription = models.OneToOneField(
        Subscription, on_delete=models.PROTECT, related_name="contract", verbose_name=_("subscription")
    )
    unit = models.ForeignKey(
        "inventory.Unit", on_delete=models.PROTECT, related_name="contracts", verbose_name=_("unit")
    )
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="contracts", verbose_name=_("customer")
    )
    list_price = models.DecimalField(_("list price"), **MONEY)
    price = models.DecimalField(_("contract price"), **MONEY)
    discount_percent = models.DecimalField(
        _("discount (%)"), max_digits=5, decimal_places=2, default=Decimal("0")
    )
    payment_method = models.CharField(_("payment method"), max_length=12, choices=PaymentMethod.choices)
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ContractStatus.choices, default=ContractStatus.ACTIVE
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="contract_price_positive"),
            models.UniqueConstraint(
                fields=["unit"], condition=~Q(status="cancelled"), name="one_live_contract_per_unit"
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="contract_customer_idx"),
            models.Index(fields=["status", "-created_at"], name="contract_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} / {self.customer_id}"


class PaymentScheduleItem(models.Model):
    """One due amount of a contract's payment schedule (付款计划)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="schedule")
    seq = models.PositiveSmallIntegerField(default=1)
    due_date = models.DateField(_("due date"))
    amount = models.DecimalField(_("amount"), **MONEY)
    kind = models.CharField(
        pgettext_lazy("payment schedule", "kind"), max_length=14, choices=ScheduleKind.choices
    )

    class Meta:
        ordering = ["contract", "seq"]
        verbose_name = _("payment schedule item")
        verbose_name_plural = _("payment schedule")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="schedule_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.due_date}: {self.amount}"


class Payment(models.Model):
    """回款: money received against a contract. Never edited or deleted: the money trail."""

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="payments", verbose_name=_("contract")
    )
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="payments", verbose_name=_("customer")
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    method = models.CharField(_("method"), max_length=14, choices=PaymentChannel.choices)
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, unique=True)
    carried_from = models.ForeignKey(
        Contract, null=True, blank=True, on_delete=models.PROTECT, related_name="carried_payments"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DealQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive")]
        indexes = [models.Index(fields=["contract", "received_at"], name="payment_contract_idx")]

    def __str__(self) -> str:
        return f"{self.contract_id}: {self.amount}"


class Handover(models.Model):
    """交房: keys delivered; the buyer becomes an owner (业主)."""

    contract = models.OneToOneField(
        Contract, on_delete=models.PROTECT, related_name="handover", verbose_name=_("contract")
    )
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="handovers", verbose_name=_("customer")
    )
    handed_over_at = models.DateTimeField(_("handed over"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    objects = DealQuerySet.as_manager()

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")

    def __str__(self) -> str:
        return f"{self.contract_id} {self.handed_over_at:%Y-%m-%d}"


class Cancellation(models.Model):
    """退房: a subscription or contract given up; what had been paid is written down here."""

    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="cancellations",
        verbose_name=_("customer"),
    )
    unit = models.ForeignKey("inventory.Unit", on_delete=models.PROTECT, related_name="+")
    subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="cancellations")
    contract = models.ForeignKey(
        Contract, null=True, blank=True, on_delete=models.PROTECT, related_name="cancellations"
    )
    paid_amount = models.DecimalField(_("paid"), default=Decimal("0"), **MONEY)
    deposit = models.DecimalField(_("deposit"), default=Decimal("0"), **MONEY)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    objects = DealQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("cancellation")
        verbose_name_plural = _("cancellations")

    def __str__(self) -> str:
        return f"{self.unit_id} {self.at:%Y-%m-%d}"


class UnitChange(models.Model):
    """换房: a deal moved to another unit; the old records stay, the money is carried over."""

    kind = models.CharField(max_length=12, choices=UnitChangeKind.choices)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="unit_changes",
        verbose_name=_("customer"),
    )
    from_unit = models.ForeignKey("inventory.Unit", on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey("inventory.Unit", on_delete=models.PROTECT, related_name="+")
    from_subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="+")
    to_subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="+")
    from_contract = models.ForeignKey(
        Contract, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_contract = models.ForeignKey(
        Contract, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    carried_amount = models.DecimalField(_("carried over"), default=Decimal("0"), **MONEY)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    objects = DealQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("change of unit")
        verbose_name_plural = _("changes of unit")

    def __str__(self) -> str:
        return f"{self.from_unit_id} -> {self.to_unit_id}"
