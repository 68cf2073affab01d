"""Inventory API (api-v1.md "Inventory"): projects, buildings, units, holds, the grid, price lists.

Reads go through ``visible_to`` (out of scope = 404); writes through the services, whose
typed errors become 400/403/409 in the one envelope.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_filters
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from loupan.core.api import ScopedViewSetMixin
from loupan.core.errors import ValidationFailed

from . import selectors, services
from .choices import UnitStatus
from .models import Building, PriceList, Project, Unit


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


class ProjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = Project
        fields = ["id", "name", "city", "district", "address", "created_at"]
        read_only_fields = ["created_at"]
        extra_kwargs = {"name": {"validators": []}}


class StackSerializer(serializers.Serializer):
    layout = serializers.CharField(max_length=30, allow_blank=True, required=False, default="")
    bedrooms = serializers.IntegerField(min_value=0, max_value=20, required=False, allow_null=True)
    area = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=Decimal("0.01"))
    inner_area = serializers.DecimalField(max_digits=8, decimal_places=2, required=False, allow_null=True)
    orientation = serializers.CharField(max_length=20, allow_blank=True, required=False, default="")


class TemplateSerializer(serializers.Serializer):
    stacks = StackSerializer(many=True)
    first_floor = serializers.IntegerField(min_value=1, required=False, default=1)
    unit_price = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, min_value=Decimal("0.01")
    )


class BuildingSerializer(serializers.ModelSerializer):
    template = TemplateSerializer(write_only=True, required=False)
    units_count = serializers.SerializerMethodField()

    class Meta:
        model = Building
        fields = ["id", "project", "name", "floors", "template", "units_count", "created_at"]
        read_only_fields = ["created_at"]
        validators: list = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["project"].queryset = Project.objects.visible_to(request.user)

    def get_units_count(self, building: Building) -> int:
        n = getattr(building, "n_units", None)
        return n if n is not None else building.units.count()


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = [
            "id", "building", "project", "number", "floor", "stack", "layout", "bedrooms", "area",
            "inner_area", "orientation", "unit_price", "total_price", "status", "held_by", "held_at",
            "hold_reason", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["project", "status", "held_by", "held_at", "hold_reason", "updated_at"]
        validators: list = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and "building" in self.fields:
            self.fields["building"].queryset = Building.objects.visible_to(request.user)


class HoldSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class PriceListSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.display_name", read_only=True)
    units = serializers.IntegerField(source="n_items", read_only=True)

    class Meta:
        model = PriceList
        fields = [
            "id",
            "building",
            "version",
            "is_active",
            "note",
            "created_by",
            "created_at",
            "activated_at",
            "units",
        ]
        read_only_fields = fields


class PriceListCreateSerializer(serializers.Serializer):
    prices = serializers.DictField(
        child=serializers.DecimalField(max_digits=12, decimal_places=2),
        help_text="Unit price per m² for every unit of the building, keyed by unit id or unit number.",
    )
    floor_premiums = serializers.DictField(
        child=serializers.DecimalField(max_digits=12, decimal_places=2),
        required=False,
        help_text="Amount per m² added on a floor, keyed by floor.",
    )
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


def _rows_errors(exc: ValidationFailed, n: int) -> list[dict[str, list[str]]] | dict:
    """Service errors keyed ``"<row>.<field>"`` as DRF shows list errors: one dict per row."""
    if not all("." in key and key.split(".", 1)[0].isdigit() for key in exc.errors):
        return exc.errors
    rows: list[dict[str, list[str]]] = [{} for _ in range(n)]
    for key, messages in exc.errors.items():
        index, name = key.split(".", 1)
        rows[int(index)][name] = messages
    return rows


def _list_errors(errors: Any, n: int) -> list[dict]:
    """DRF's list errors (a list, or a dict keyed by row index) as one dict per row."""
    if isinstance(errors, dict):
        rows: list[dict] = [{} for _ in range(n)]
        for key, value in errors.items():
            if str(key).isdigit() and int(key) < n:
                rows[int(key)] = value
            else:
                rows[0].setdefault(str(key), value)
        return rows
    return list(errors) + [{} for _ in range(n - len(errors))]


def grid_payload(grid: selectors.Grid) -> dict[str, Any]:
    """The documented grid shape, plus per-status counts."""
    b = grid.building
    return {
        "building": {"id": b.pk, "name": b.name, "project": b.project_id, "floors": b.floors},
        "counts": grid.counts,
        "total": grid.total,
        "floors": [
            {
                "floor": f.floor,
                "units": [
                    {
                        "id": u.pk,
                        "number": u.number,
                        "stack": u.stack,
                        "status": u.status,
                        "layout": u.layout,
                        "bedrooms": u.bedrooms,
                        "area": _money(u.area),
                        "unit_price": _money(u.unit_price),
                        "total_price": _money(u.total_price),
                    }  # fmt: skip
                    for u in f.units
                ],
            }
            for f in grid.floors
        ],
    }


class ProjectViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Projects of the caller's sites (all for company-wide roles)."""

    queryset = Project.objects.all()
    serializer_class = ProjectSerializer
    search_fields = ["name"]
    ordering_fields = ["name", "created_at"]

    def perform_create(self, serializer) -> None:  # noqa: ANN001
        serializer.instance = services.project_create(actor=self.request.user, data=serializer.validated_data)

    def perform_update(self, serializer) -> None:  # noqa: ANN001
        serializer.instance = services.project_update(
            actor=self.request.user, project=serializer.instance, data=serializer.validated_data
        )


class BuildingFilter(django_filters.FilterSet):
    project = django_filters.NumberFilter(field_name="project_id")

    class Meta:
        model = Building
        fields = ["project"]


class BuildingViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Buildings; POST with ``template`` generates the units (floors x stacks)."""

    queryset = Building.objects.all()
    serializer_class = BuildingSerializer
    filterset_class = BuildingFilter
    ordering_fields = ["name", "created_at"]
    ordering = ["project_id", "name", "id"]  # stable pages (the unit counts drop Meta.ordering)

    def scoped_queryset(self, qs):  # noqa: ANN001, ANN201
        return qs.select_related("project").annotate(n_units=Count("units"))

    def perform_create(self, serializer) -> None:  # noqa: ANN001
        vd = serializer.validated_data
        template = None
        if vd.get("template"):
            t = vd["template"]
            template = services.BuildingTemplate(
                stacks=[services.StackSpec(**s) for s in t["stacks"]],
                first_floor=t.get("first_floor", 1),
                unit_price=t.get("unit_price"),
            )
        building = services.building_create(
            actor=self.request.user,
            project=vd["project"],
            name=vd["name"],
            floors=vd["floors"],
            template=template,
        )
        serializer.instance = self.get_queryset().get(pk=building.pk)

    def perform_update(self, serializer) -> None:  # noqa: ANN001
        vd = serializer.validated_data
        if "project" in vd and vd["project"].pk != serializer.instance.project_id:
            raise ValidationFailed({"project": [_("A building cannot move to another project.")]})
        services.building_update(
            actor=self.request.user,
            building=serializer.instance,
            name=vd.get("name"),
            floors=vd.get("floors"),
        )
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    @extend_schema(responses={200: inline_serializer("Grid", {"building": serializers.DictField()})})
    @action(detail=True, methods=["get"])
    def grid(self, request, pk=None):  # noqa: ANN001, ANN201
        """The sales-control grid: floors from top to bottom, units with status and price."""
        return Response(grid_payload(selectors.building_grid(self.get_object())))

    @extend_schema(request=PriceListCreateSerializer, responses={200: PriceListSerializer(many=True)})
    @action(detail=True, methods=["get", "post"], url_path="price-lists")
    def price_lists(self, request, pk=None):  # noqa: ANN001, ANN201
        """The building's price list versions (GET), or a new version (POST, managers)."""
        building = self.get_object()
        if request.method == "GET":
            return Response(PriceListSerializer(selectors.price_lists(building=building), many=True).data)
        body = PriceListCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        vd = body.validated_data
        created = services.price_list_create(
            actor=request.user, building=building, prices=vd["prices"],
            floor_premiums=vd.get("floor_premiums"), note=vd.get("note", ""),
        )  # fmt: skip
        fresh = selectors.price_lists(building=building).get(pk=created.pk)
        return Response(PriceListSerializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: PriceListSerializer})
    @action(detail=True, methods=["get"], url_path=r"price-lists/(?P<version>\d+)")
    def price_list_detail(self, request, pk=None, version=None):  # noqa: ANN001, ANN201
        """One version with its items: ``{..., "items": [{"unit", "number", "unit_price", "total_price"}]}``."""
        building = self.get_object()
        price_list = get_object_or_404(selectors.price_lists(building=building), version=version)
        data = PriceListSerializer(price_list).data
        data["items"] = [
            {"unit": i.unit_id, "number": i.unit.number, "unit_price": _money(i.unit_price),
             "total_price": _money(i.total_price)}
            for i in price_list.items.select_related("unit").order_by("-unit__floor", "unit__stack")
        ]  # fmt: skip
        return Response(data)

    @extend_schema(request=None, responses={200: PriceListSerializer})
    @action(detail=True, methods=["post"], url_path=r"price-lists/(?P<version>\d+)/activate")
    def price_list_activate(self, request, pk=None, version=None):  # noqa: ANN001, ANN201
        """Make a version active: its prices go onto the units not in a deal."""
        building = self.get_object()
        price_list = get_object_or_404(PriceList.objects.filter(building=building), version=version)
        services.price_list_activate(actor=request.user, price_list=price_list)
        return Response(
            PriceListSerializer(selectors.price_lists(building=building).get(pk=price_list.pk)).data
        )


class UnitFilter(django_filters.FilterSet):
    building = django_filters.NumberFilter(field_name="building_id")
    project = django_filters.NumberFilter(field_name="project_id")
    status = django_filters.ChoiceFilter(choices=UnitStatus.choices)
    bedrooms = django_filters.NumberFilter()
    floor = django_filters.NumberFilter()
    area_min = django_filters.NumberFilter(field_name="area", lookup_expr="gte")
    area_max = django_filters.NumberFilter(field_name="area", lookup_expr="lte")
    price_max = django_filters.NumberFilter(field_name="total_price", lookup_expr="lte")

    class Meta:
        model = Unit
        fields = ["building", "project", "status", "bedrooms", "floor"]


class UnitViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Units. POST one unit or a JSON list of units (all or nothing)."""

    queryset = Unit.objects.all()
    serializer_class = UnitSerializer
    filterset_class = UnitFilter
    ordering_fields = ["number", "floor", "area", "total_price", "unit_price"]
    ordering = ["building_id", "-floor", "stack"]

    @extend_schema(request=UnitSerializer(many=True), responses={201: UnitSerializer(many=True)})
    def create(self, request, *args, **kwargs):  # noqa: ANN001, ANN201
        many = isinstance(request.data, list)
        rows = request.data if many else [request.data]
        body = UnitSerializer(data=rows, many=True, context=self.get_serializer_context())
        if not body.is_valid():
            errors = _list_errors(body.errors, len(rows))
            return Response(errors if many else errors[0], status=status.HTTP_400_BAD_REQUEST)
        try:
            created = services.units_bulk_create(
                actor=request.user, rows=[dict(r) for r in body.validated_data]
            )
        except ValidationFailed as exc:
            errors = _rows_errors(exc, len(rows))
            if not many and isinstance(errors, list):
                errors = errors[0]
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        data = UnitSerializer(created, many=True, context=self.get_serializer_context()).data
        return Response(data if many else data[0], status=status.HTTP_201_CREATED)

    def perform_update(self, serializer) -> None:  # noqa: ANN001
        vd = dict(serializer.validated_data)
        if "building" in vd and vd["building"].pk != serializer.instance.building_id:
            raise ValidationFailed({"building": [_("A unit cannot move to another building.")]})
        vd.pop("building", None)
        serializer.instance = services.unit_update(actor=self.request.user, unit=serializer.instance, data=vd)

    @extend_schema(request=HoldSerializer, responses={200: UnitSerializer})
    @action(detail=True, methods=["post"])
    def hold(self, request, pk=None):  # noqa: ANN001, ANN201
        """Hold an available unit back from sale (managers; sales 403; not available 409)."""
        body = HoldSerializer(data=request.data if isinstance(request.data, dict) else {})
        body.is_valid(raise_exception=True)
        unit = services.unit_hold(
            actor=request.user, unit=self.get_object(), reason=body.validated_data["reason"]
        )
        return Response(self.get_serializer(unit).data)

    @extend_schema(request=HoldSerializer, responses={200: UnitSerializer})
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):  # noqa: ANN001, ANN201
        """Put a held unit back on sale (managers; sales 403; not held 409)."""
        body = HoldSerializer(data=request.data if isinstance(request.data, dict) else {})
        body.is_valid(raise_exception=True)
        unit = services.unit_release(
            actor=request.user, unit=self.get_object(), reason=body.validated_data["reason"]
        )
        return Response(self.get_serializer(unit).data)
