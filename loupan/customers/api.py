"""Customers API (api-v1.md "Customers"): scoped list/detail, ownership actions, export."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from loupan.core.api import ScopedViewSetMixin
from loupan.core.errors import NotAllowed, ValidationFailed
from loupan.core.masking import mask_id_number, mask_phone
from loupan.core.policy import can, require
from loupan.org.models import Site, User

from . import exports, selectors, services
from .choices import CustomerStatus, Gender, IncomeBand, IntentionLevel, Purpose
from .filters import CustomerFilter
from .models import Customer

INTENTION_FIELDS = {
    "budget_min": "intent_budget_min",
    "budget_max": "intent_budget_max",
    "area_min": "intent_area_min",
    "area_max": "intent_area_max",
    "bedrooms": "intent_bedrooms",
    "purpose": "intent_purpose",
    "level": "intent_level",
    "floor": "intent_floor",
}


class IntentionSerializer(serializers.Serializer):
    budget_min = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    budget_max = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    area_min = serializers.DecimalField(max_digits=8, decimal_places=2, required=False, allow_null=True)
    area_max = serializers.DecimalField(max_digits=8, decimal_places=2, required=False, allow_null=True)
    bedrooms = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=20)
    purpose = serializers.ChoiceField(choices=Purpose.choices, required=False, allow_blank=True)
    level = serializers.ChoiceField(choices=IntentionLevel.choices, required=False, allow_blank=True)
    floor = serializers.CharField(required=False, allow_blank=True, max_length=20)


class CustomerSerializer(serializers.Serializer):
    """Reads mask contact data the caller may not see; writes go through the services."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=60)
    phone = serializers.CharField(max_length=30)
    id_number = serializers.CharField(max_length=30, required=False, allow_blank=True)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False)
    birth_date = serializers.DateField(required=False, allow_null=True)
    age = serializers.IntegerField(read_only=True, allow_null=True)
    income_band = serializers.ChoiceField(choices=IncomeBand.choices, required=False, allow_blank=True)
    occupation = serializers.CharField(max_length=60, required=False, allow_blank=True)
    interests = serializers.ListField(
        child=serializers.CharField(max_length=30), required=False, write_only=True
    )
    source = serializers.CharField(max_length=30, required=False, allow_blank=True, allow_null=True)
    district = serializers.CharField(max_length=60, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True)
    owner_name = serializers.SerializerMethodField()
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.all())
    status = serializers.ChoiceField(choices=CustomerStatus.choices, read_only=True)
    in_pool = serializers.BooleanField(read_only=True)
    intention = IntentionSerializer(required=False)
    next_action_at = serializers.DateTimeField(read_only=True, allow_null=True)
    last_touched_at = serializers.DateTimeField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def get_owner_name(self, customer: Customer) -> str:
        return customer.owner.display_name if customer.owner_id else ""

    def to_representation(self, customer: Customer) -> dict:
        user = self.context["request"].user
        data = super().to_representation(customer)
        data["source"] = customer.source_id
        data["interests"] = [i.name for i in customer.interests.all()]
        data["intention"] = {
            key: self._plain(getattr(customer, attr)) for key, attr in INTENTION_FIELDS.items()
        }
        if not can(user, "customer.view_contact", customer):
            data["phone"] = mask_phone(customer.phone)
            data["id_number"] = mask_id_number(customer.id_number)
        return data

    @staticmethod
    def _plain(value):  # noqa: ANN001, ANN205
        return f"{value:.2f}" if hasattr(value, "quantize") else value

    def to_service_data(self) -> dict:
        data = dict(self.validated_data)
        for key in ("owner", "site", "interests"):
            data.pop(key, None)
        for key, attr in INTENTION_FIELDS.items():
            if key in data.get("intention", {}):
                data[attr] = data["intention"][key]
        data.pop("intention", None)
        return data


def _api_errors(exc: ValidationFailed) -> ValidationFailed:
    """Services name model fields (``intent_budget_max``); the API's are inside ``intention``."""
    api_names = {attr: key for key, attr in INTENTION_FIELDS.items()}
    nested = {api_names[f]: msgs for f, msgs in exc.errors.items() if f in api_names}
    if not nested:
        return exc
    renamed = ValidationFailed({f: msgs for f, msgs in exc.errors.items() if f not in api_names})
    renamed.errors["intention"] = nested
    return renamed


class TransferSerializer(serializers.Serializer):
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))


class CustomerViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Customers in the caller's data scope. Out of scope is 404."""

    queryset = Customer.objects.all()
    serializer_class = CustomerSerializer
    filterset_class = CustomerFilter
    filter_backends: list = []  # the selector filters, searches and orders

    def scoped_queryset(self, qs):  # noqa: ANN001, ANN201
        return qs.select_related("owner", "site", "source").prefetch_related("interests")

    def _list_queryset(self):  # noqa: ANN202
        params = self.request.query_params
        form = CustomerFilter(params, queryset=Customer.objects.none(), request=self.request)
        if not form.is_valid():
            raise ValidationFailed({k: list(v) for k, v in form.errors.items()})
        cleaned = dict(form.form.cleaned_data)
        in_pool = cleaned.pop("in_pool", None)
        return selectors.customer_list(
            user=self.request.user,
            search=params.get("search", ""),
            in_pool=in_pool,
            filters=CustomerFilter.to_lookups(cleaned),
            ordering=params.get("ordering", "-created_at"),
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "search", str, description="Name prefix, pinyin initials, full phone or last 4 digits"
            ),
            OpenApiParameter("ordering", str, enum=list(selectors.ORDERINGS)),
        ]
    )
    def list(self, request, *args, **kwargs):  # noqa: ANN001, ANN201
        page = self.paginate_queryset(self._list_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def perform_create(self, serializer) -> None:  # noqa: ANN001
        vd = serializer.validated_data
        try:
            serializer.instance = services.customer_create(
                actor=self.request.user,
                site=vd["site"],
                data=serializer.to_service_data(),
                owner=vd.get("owner"),
                interests=vd.get("interests"),
            )
        except ValidationFailed as exc:
            raise _api_errors(exc) from None

    @transaction.atomic  # a transfer and an edit in one PATCH: both or neither
    def perform_update(self, serializer) -> None:  # noqa: ANN001
        vd = serializer.validated_data
        customer = serializer.instance
        if "site" in vd and vd["site"].pk != customer.site_id:
            raise ValidationFailed({"site": [_("A customer cannot move to another site.")]})
        if "owner" in vd and vd["owner"] != customer.owner:
            if vd["owner"] is None:
                raise ValidationFailed({"owner": [_("Use release to put a customer into the pool.")]})
            services.customer_transfer(actor=self.request.user, customer=customer, new_owner=vd["owner"])
        try:
            serializer.instance = services.customer_update(
                actor=self.request.user, customer=customer, data=serializer.to_service_data(),
                interests=vd.get("interests"),
            )  # fmt: skip
        except ValidationFailed as exc:
            raise _api_errors(exc) from None

    def perform_destroy(self, instance: Customer) -> None:
        services.customer_erase(actor=self.request.user, customer=instance)

    def _reload(self, customer: Customer) -> Response:
        fresh = self.scoped_queryset(Customer.objects.all()).get(pk=customer.pk)
        return Response(self.get_serializer(fresh).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):  # noqa: ANN001, ANN201
        """Take a customer from the site's pool (salespeople and agents of the site)."""
        return self._reload(services.customer_claim(actor=request.user, customer=self.get_object()))

    @extend_schema(request=inline_serializer("Release", {"reason": serializers.CharField(required=False)}))
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):  # noqa: ANN001, ANN201
        """Put a customer into the site's pool (owner or manager)."""
        reason = str(request.data.get("reason", "")) if hasattr(request.data, "get") else ""
        return self._reload(
            services.customer_release(actor=request.user, customer=self.get_object(), reason=reason)
        )

    @extend_schema(request=TransferSerializer)
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):  # noqa: ANN001, ANN201
        """Hand a customer to a colleague at the same site (managers in scope)."""
        customer = self.get_object()
        require(request.user, "customer.transfer", customer, _("Only managers can transfer customers."))
        body = TransferSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._reload(
            services.customer_transfer(
                actor=request.user, customer=customer, new_owner=body.validated_data["owner"]
            )
        )

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=["csv", "xlsx"])],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(detail=False, methods=["get"], url_path="export")
    def export(self, request):  # noqa: ANN001, ANN201
        """The filtered list as CSV (UTF-8 with BOM) or XLSX. Managers only; audited."""
        if not can(request.user, "customer.export"):
            raise NotAllowed(_("Only managers can export customers."))
        fmt = request.query_params.get("format", "xlsx")
        if fmt not in exports.FORMATS:
            raise ValidationFailed({"format": [_("Choose csv or xlsx.")]})
        filters = {k: v for k, v in request.query_params.items() if k != "format"}
        content, filename, mime = exports.export_customers(
            actor=request.user, queryset=self._list_queryset(), fmt=fmt, filters=filters
        )
        response = HttpResponse(content, content_type=mime)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
