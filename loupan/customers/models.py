"""Customers: the company's record of a person, their purchase intention and ownership."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loupan.core.scoping import ScopedQuerySet

from .choices import CustomerStatus, Gender, IncomeBand, IntentionLevel, Purpose


class SourceChannel(models.Model):
    """The company's managed list of source channels (来源渠道)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=60, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("source channel")
        verbose_name_plural = _("source channels")

    def __str__(self) -> str:
        return self.name


class Interest(models.Model):
    """A free tag for a customer's interests (golf, education, ...)."""

    name = models.CharField(_("name"), max_length=30, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CustomerQuerySet(ScopedQuerySet):
    scope_prefix = ""

    def in_pool(self) -> CustomerQuerySet:
        return self.filter(in_pool=True)

    def owned_by(self, user) -> CustomerQuerySet:  # noqa: ANN001
        return self.filter(owner_id=user.pk)


class Customer(models.Model):
    site = models.ForeignKey(
        "org.Site", on_delete=models.PROTECT, related_name="customers", verbose_name=_("site")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_customers",
        verbose_name=_("owner"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    credited_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who gets the sales credit: the first registrant or whoever claimed it from the pool.",
    )
    name = models.CharField(_("name"), max_length=60)
    name_initials = models.CharField(max_length=60, blank=True, editable=False)
    phone = models.CharField(_("mobile phone"), max_length=11)
    phone_last4 = models.CharField(max_length=4, editable=False)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, default=Gender.UNKNOWN)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    income_band = models.CharField(_("income band"), max_length=10, choices=IncomeBand.choices, blank=True)
    occupation = models.CharField(_("occupation"), max_length=60, blank=True)
    district = models.CharField(_("home district"), max_length=60, blank=True)
    source = models.ForeignKey(
        SourceChannel,
        to_field="code",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="customers",
        verbose_name=_("source"),
    )
    interests = models.ManyToManyField(
        Interest, blank=True, related_name="customers", verbose_name=_("interests")
    )
    notes = models.TextField(_("notes"), blank=True)
    is_club_member = models.BooleanField(_("club member"), default=False)
    club_joined_on = models.DateField(_("club member since"), null=True, blank=True)

    status = models.CharField(
        _("status"), max_length=12, choices=CustomerStatus.choices, default=CustomerStatus.LEAD
    )
    in_pool = models.BooleanField(_("in pool"), default=False)
    pooled_at = models.DateTimeField(null=True, blank=True)
    last_touched_at = models.DateTimeField(
        default=timezone.now, help_text="Last follow-up or change of owner: what the pool's idle clock reads."
    )
    next_action_at = models.DateTimeField(_("next action"), null=True, blank=True)

    intent_budget_min = models.DecimalField(
        _("budget from"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    intent_budget_max = models.DecimalField(
        _("budget to"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    intent_area_min = models.DecimalField(
        _("area from (m²)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    intent_area_max = models.DecimalField(
        _("area to (m²)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    intent_bedrooms = models.PositiveSmallIntegerField(_("bedrooms"), null=True, blank=True)
    intent_purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices, blank=True)
    intent_level = models.CharField(
        _("intention level"), max_length=1, choices=IntentionLevel.choices, blank=True
    )
    intent_floor = models.CharField(_("floor preference"), max_length=20, blank=True)

    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            models.UniqueConstraint(fields=["site", "phone"], name="customer_phone_unique_per_site"),
            models.CheckConstraint(
                condition=Q(in_pool=False) | Q(owner__isnull=True), name="pool_customer_has_no_owner"
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="cust_owner_created_idx"),
            models.Index(fields=["site", "-created_at"], name="cust_site_created_idx"),
            models.Index(fields=["-created_at"], name="cust_created_idx"),
            models.Index(
                fields=["site", "-created_at"], condition=Q(in_pool=True), name="cust_pool_site_created_idx"
            ),
            models.Index(fields=["phone"], name="cust_phone_idx"),
            models.Index(fields=["phone_last4"], name="cust_phone_last4_idx"),
            models.Index(fields=["name"], name="cust_name_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(
                fields=["name_initials"], name="cust_initials_idx", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["site", "status", "last_touched_at"], name="cust_idle_idx"),
            models.Index(fields=["owner", "next_action_at"], name="cust_owner_next_idx"),
            models.Index(fields=["status"], name="cust_status_idx"),
            models.Index(fields=["intent_level"], name="cust_level_idx"),
            models.Index(fields=["source"], name="cust_source_idx"),
            # duplicates by ID number (imports check every chunk against the whole table)
            models.Index(fields=["id_number"], name="cust_id_number_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def age(self) -> int | None:
        if not self.birth_date:
            return None
        today = timezone.localdate()
        born = self.birth_date
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))

    def idle_deadline(self) -> dt.datetime:
        """When this customer goes to the pool if nobody follows up."""
        return self.last_touched_at + dt.timedelta(days=self.site.pool_days_for(self.status))


class PoolClaim(models.Model):
    """A claim from the pool: counts against the daily limit per site."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="claims")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey("org.Site", on_delete=models.PROTECT, related_name="+")
    claimed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["user", "site", "claimed_at"], name="claim_user_day_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} claimed {self.customer_id}"
