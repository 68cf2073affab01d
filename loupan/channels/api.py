"""Channels API (api-v1.md "Agencies and channels"): registrations, agency contracts."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from loupan.core.api import ScopedViewSetMixin
from loupan.core.masking import mask_phone
from loupan.core.permissions import policy_permission
from loupan.core.policy import can
from loupan.org.models import Agency, Site

from . import services
from .choices import RegistrationStatus
from .models import AgencyContract, Registration


class RegistrationSerializer(serializers.ModelSerializer):
    """Phones are shown in full to the registering agent and the site's managers only."""

    phone = serializers.CharField(max_length=30)
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.all())
    agent_name = serializers.CharField(source="agent.display_name", read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True)

    class Meta:
        model = Registration
        fields = [
            "id", "agency", "agency_name", "agent", "agent_name", "site", "customer_name", "phone", "notes",
            "status", "protected_until", "created_at", "customer", "confirmed_at", "reason",
        ]  # fmt: skip
        read_only_fields = [
            "agency", "agent", "status", "protected_until", "created_at", "customer", "confirmed_at", "reason"
        ]  # fmt: skip
        validators: list = []  # the service answers 409 ``already_protected``

    def to_representation(self, registration: Registration) -> dict:
        data = super().to_representation(registration)
        if not can(self.context["request"].user, "registration.view_contact", registration):
            data["phone"] = mask_phone(registration.phone)
        return data


class RegistrationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=RegistrationStatus.choices)
    site = django_filters.NumberFilter(field_name="site_id")
    agent = django_filters.NumberFilter(field_name="agent_id")

    class Meta:
        model = Registration
        fields = ["status", "site", "agent"]


class ConfirmVisitSerializer(serializers.Serializer):
    visited_at = serializers.DateTimeField(required=False)


class RegistrationViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    """渠道报备: agents register prospects; site staff confirm the visit. Out of scope is 404."""

    queryset = Registration.objects.all()
    serializer_class = RegistrationSerializer
    filterset_class = RegistrationFilter
    ordering_fields = ["created_at", "protected_until", "id"]
    ordering = ["-created_at", "-id"]

    def scoped_queryset(self, qs):  # noqa: ANN001, ANN201
        return qs.select_related("agent", "agency")

    def perform_create(self, serializer) -> None:  # noqa: ANN001
        vd = serializer.validated_data
        serializer.instance = services.registration_create(
            actor=self.request.user, site=vd["site"], customer_name=vd.get("customer_name", ""),
            phone=vd.get("phone", ""), notes=vd.get("notes", ""),
        )  # fmt: skip

    @extend_schema(request=ConfirmVisitSerializer)
    @action(detail=True, methods=["post"], url_path="confirm-visit")
    def confirm_visit(self, request, pk=None):  # noqa: ANN001, ANN201
        """带看确认 (site staff): the customer exists at the site, owned by the agent."""
        body = ConfirmVisitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        registration = services.registration_confirm_visit(
            actor=request.user,
            registration=self.get_object(),
            visited_at=body.validated_data.get("visited_at"),
        )
        return Response(self.get_serializer(registration).data)

    @extend_schema(
        request=inline_serializer("RejectRegistration", {"reason": serializers.CharField(required=False)})
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):  # noqa: ANN001, ANN201
        """Turn a pending registration down (managers of the site)."""
        reason = str(request.data.get("reason", "")) if hasattr(request.data, "get") else ""
        registration = services.registration_reject(
            actor=request.user, registration=self.get_object(), reason=reason
        )
        return Response(self.get_serializer(registration).data)


class AgencyContractSerializer(serializers.ModelSerializer):
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all())
    sites = serializers.PrimaryKeyRelatedField(queryset=Site.objects.all(), many=True)
    tiers = serializers.JSONField(required=False)

    class Meta:
        model = AgencyContract
        fields = [
            "id", "agency", "start", "end", "rate_percent", "tiers", "sites", "status", "previous", "notes",
            "created_at", "ended_at",
        ]  # fmt: skip
        read_only_fields = ["status", "previous", "created_at", "ended_at"]
        validators: list = []  # the service answers 409 ``contract_exists``


class RenewSerializer(serializers.Serializer):
    end = serializers.DateField(allow_null=True)
    rate_percent = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)
    tiers = serializers.JSONField(required=False)
    sites = serializers.PrimaryKeyRelatedField(queryset=Site.objects.all(), many=True, required=False)


class AgencyContractViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Agency contracts: admins manage, company managers read. Renew and end are actions."""

    queryset = AgencyContract.objects.select_related("agency").prefetch_related("sites")
    serializer_class = AgencyContractSerializer
    permission_classes = [policy_permission("agency_contract.read", "agency_contract.manage")]
    filterset_fields = ["agency", "status"]
    ordering = ["agency", "-start", "-id"]

    def perform_create(self, serializer) -> None:  # noqa: ANN001
        vd = serializer.validated_data
        serializer.instance = services.agency_contract_create(
            actor=self.request.user, agency=vd["agency"], start=vd["start"], end=vd.get("end"),
            rate_percent=vd.get("rate_percent", 0), tiers=vd.get("tiers"), sites=vd["sites"],
            notes=vd.get("notes", ""),
        )  # fmt: skip

    @extend_schema(request=RenewSerializer)
    @action(detail=True, methods=["post"])
    def renew(self, request, pk=None):  # noqa: ANN001, ANN201
        """The next period, from the day after this one ends (terms unchanged unless given)."""
        body = RenewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        new = services.agency_contract_renew(
            actor=request.user, contract=self.get_object(), **body.validated_data
        )
        return Response(self.get_serializer(new).data, status=201)

    @extend_schema(
        request=inline_serializer("EndContract", {"reason": serializers.CharField(required=False)})
    )
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):  # noqa: ANN001, ANN201
        """End the contract today: the agency's agents are offboarded at once."""
        reason = str(request.data.get("reason", "")) if hasattr(request.data, "get") else ""
        result = services.agency_contract_end(actor=request.user, contract=self.get_object(), reason=reason)
        return Response(result)
