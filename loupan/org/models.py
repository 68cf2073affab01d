"""Organisation: the company, its sales sites, agencies and users with one role each."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loupan.core.scoping import site_scope_q

from .choices import FRONTLINE_ROLES, MANAGER_ROLES, Role


class Company(models.Model):
    """The developer itself. One row; settings that apply company-wide live here."""

    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> Company:
        company = cls.objects.order_by("id").first()
        return company or cls.objects.create(name="Loupan")


class SiteQuerySet(models.QuerySet):
    def visible_to(self, user) -> SiteQuerySet:  # noqa: ANN001
        return self.filter(site_scope_q(user))


class Site(models.Model):
    """A sales office (案场), one per project or phase being sold."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=120)
    address = models.CharField(_("address"), max_length=200, blank=True)
    project = models.ForeignKey(
        "inventory.Project", null=True, blank=True, on_delete=models.PROTECT, related_name="sites",
        verbose_name=_("project"),
    )  # fmt: skip
    is_active = models.BooleanField(_("active"), default=True)
    pool_after_days = models.PositiveIntegerField(
        _("days without follow-up before the pool"),
        default=30,
        help_text=_("Customers idle this long go to the pool."),
    )
    pool_after_days_by_status = models.JSONField(
        _("shorter pool limits per status"),
        default=dict,
        blank=True,
        help_text=_('For example {"lead": 7}: a lead never visited goes to the pool after 7 days.'),
    )
    pool_claims_per_day = models.PositiveIntegerField(_("pool claims per salesperson per day"), default=5)
    max_customers_per_user = models.PositiveIntegerField(
        _("most customers one salesperson may hold"), default=2000
    )
    max_discount_percent = models.DecimalField(
        _("largest discount without approval (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("2.00"),
        help_text=_("A contract with a larger discount waits for a manager's approval."),
    )
    registration_visit_days = models.PositiveIntegerField(
        _("days an agent has to bring a registered customer"),
        default=7,
        help_text=_("An agency registration (报备) not confirmed by a visit within this many days lapses."),
    )
    registration_protection_days = models.PositiveIntegerField(
        _("protection period after the visit (days)"),
        default=30,
        help_text=_("After a confirmed visit, the registration protects the agent's customer this long."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("sales site")
        verbose_name_plural = _("sales sites")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def pool_days_for(self, status: str) -> int:
        """Idle days after which a customer of this status goes to the pool."""
        specific = (self.pool_after_days_by_status or {}).get(status)
        return min(int(specific), self.pool_after_days) if specific else self.pool_after_days


class Agency(models.Model):
    """An external sales agency under contract; its agents sell at the company's sites."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    contact_name = models.CharField(_("contact"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    contract_start = models.DateField(_("contract start"))
    contract_end = models.DateField(_("contract end"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        constraints = [
            models.CheckConstraint(
                condition=Q(contract_end__isnull=True) | Q(contract_end__gte=models.F("contract_start")),
                name="agency_contract_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name


class UserQuerySet(models.QuerySet):
    def visible_to(self, user) -> UserQuerySet:  # noqa: ANN001
        """Colleagues a user may see: all for company-wide roles, their sites' staff
        for site managers, themselves for salespeople and agents."""
        from loupan.core.scoping import ScopeKind, scope_for

        scope = scope_for(user)
        if scope.kind is ScopeKind.ALL:
            return self.all()
        if scope.kind is ScopeKind.SITES:
            return self.filter(Q(sites__in=sorted(scope.site_ids)) | Q(pk=user.pk)).distinct()
        if scope.kind is ScopeKind.OWN:
            return self.filter(pk=user.pk)
        return self.none()


class LoupanUserManager(UserManager.from_queryset(UserQuerySet)):
    def create_superuser(self, username, email=None, password=None, **extra_fields):  # noqa: ANN001, ANN201
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person who logs in. Exactly one role; sites they work at; agents belong to an agency."""

    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.SALES, db_index=True)
    sites = models.ManyToManyField(Site, blank=True, related_name="staff", verbose_name=_("sites"))
    agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agents",
        verbose_name=_("agency"),
    )
    mobile = models.CharField(_("mobile"), max_length=11, blank=True)
    on_duty = models.BooleanField(_("on duty"), default=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    objects = LoupanUserManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="agent") | Q(agency__isnull=False), name="agent_has_agency"
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @property
    def is_manager(self) -> bool:
        return self.role in MANAGER_ROLES

    @property
    def is_frontline(self) -> bool:
        return self.role in FRONTLINE_ROLES

    @property
    def has_live_access(self) -> bool:
        """Active, and for agents: their agency's contract is active and not over."""
        if not self.is_active:
            return False
        if self.role == Role.AGENT:
            agency = self.agency
            if agency is None or not agency.is_active:
                return False
            if agency.contract_end and agency.contract_end < timezone.localdate():
                return False
        return True
