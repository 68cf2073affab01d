"""Inventory: projects, buildings, units and their price lists (销控 works on these)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from loupan.core.scoping import ScopeKind, scope_for

from .choices import UnitStatus


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user) -> ProjectQuerySet:  # noqa: ANN001
        """Company-wide roles see every project; others the projects of their sites."""
        scope = scope_for(user)
        if scope.kind is ScopeKind.ALL:
            return self.all()
        if scope.kind is ScopeKind.NONE:
            return self.none()
        return self.filter(pk__in=models.Subquery(_site_projects(scope.site_ids)))


def _site_projects(site_ids: frozenset[int]):  # noqa: ANN202
    from loupan.org.models import Site

    return Site.objects.filter(pk__in=sorted(site_ids), project__isnull=False).values("project_id")


class Project(models.Model):
    """A housing development (楼盘) or one of its phases being sold."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    city = models.CharField(_("city"), max_length=40, blank=True)
    district = models.CharField(_("district"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self) -> str:
        return self.name


class ProjectScopedQuerySet(models.QuerySet):
    """Rows that belong to a project follow the project's visibility."""

    project_field = "project"

    def visible_to(self, user) -> ProjectScopedQuerySet:  # noqa: ANN001
        scope = scope_for(user)
        if scope.kind is ScopeKind.ALL:
            return self.all()
        if scope.kind is ScopeKind.NONE:
            return self.none()
        return self.filter(
            **{f"{self.project_field}_id__in": models.Subquery(_site_projects(scope.site_ids))}
        )


class Building(models.Model):
    """A building (楼栋) of a project, ``floors`` high."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("project")
    )
    name = models.CharField(_("name"), max_length=60)
    floors = models.PositiveSmallIntegerField(_("floors"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        ordering = ["project", "name"]
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="building_name_unique_per_project"),
            models.CheckConstraint(
                condition=Q(floors__gte=1) & Q(floors__lte=200), name="building_floors_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.name} {self.name}"


class Unit(models.Model):
    """A unit (房源) for sale. Its status changes only through the inventory and deal services."""

    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, related_name="units", verbose_name=_("building")
    )
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="units", editable=False)
    number = models.CharField(_("number"), max_length=20)
    floor = models.SmallIntegerField(_("floor"))
    stack = models.PositiveSmallIntegerField(
        _("stack"), default=1, help_text=_("Position on the floor, 1 = first.")
    )
    layout = models.CharField(_("layout"), max_length=30, blank=True, help_text=_('For example "3室2厅2卫".'))
    bedrooms = models.PositiveSmallIntegerField(_("bedrooms"), null=True, blank=True)
    area = models.DecimalField(_("building area (m²)"), max_digits=8, decimal_places=2)
    inner_area = models.DecimalField(
        _("inner area (m²)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    orientation = models.CharField(_("orientation"), max_length=20, blank=True)
    unit_price = models.DecimalField(
        _("unit price (per m²)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    total_price = models.DecimalField(
        _("total price"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=12, choices=UnitStatus.choices, default=UnitStatus.AVAILABLE
    )
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    held_at = models.DateTimeField(null=True, blank=True)
    hold_reason = models.CharField(_("hold reason"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        ordering = ["building", "-floor", "stack"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(fields=["building", "number"], name="unit_number_unique_per_building"),
            models.CheckConstraint(condition=Q(area__gt=0), name="unit_area_positive"),
            models.CheckConstraint(
                condition=Q(total_price__isnull=True) | Q(total_price__gte=0),
                name="unit_total_price_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["building", "floor", "stack"], name="unit_grid_idx"),
            models.Index(fields=["project", "status"], name="unit_project_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.building} {self.number}"


class PriceList(models.Model):
    """A version of a building's prices (价目表); the active version sets the units' prices."""

    building = models.ForeignKey(Building, on_delete=models.PROTECT, related_name="price_lists")
    version = models.PositiveIntegerField()
    is_active = models.BooleanField(default=False)
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["building", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["building", "version"], name="price_list_version_unique"),
            models.UniqueConstraint(
                fields=["building"], condition=Q(is_active=True), name="one_active_price_list_per_building"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.building} v{self.version}"


class PriceListItem(models.Model):
    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="items")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    total_price = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["price_list", "unit"], name="price_item_unit_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.total_price}"
