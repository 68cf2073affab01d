"""Referrals (老带新) over the API: visible exactly when the buyer is."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from loupan.core.api import ScopedViewSetMixin
from loupan.core.masking import mask_phone
from loupan.customers.models import Customer

from . import services
from .models import Referral


class ReferralSerializer(serializers.ModelSerializer):
    """The referrer (an owner, maybe of another site) shows as a name and a masked phone only."""

    referred = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.none())
    referrer_phone = serializers.CharField(write_only=True, max_length=30)
    referrer_name = serializers.CharField(source="referrer.name", read_only=True)
    referrer_phone_masked = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [
            "id", "referrer", "referrer_name", "referrer_phone", "referrer_phone_masked", "referred", "contract",
            "reward", "reward_value", "reward_status", "notes", "created_at", "granted_at",
        ]  # fmt: skip
        read_only_fields = ["referrer", "contract", "reward_status", "created_at", "granted_at"]
        validators: list = []

    def get_fields(self) -> dict:
        fields = super().get_fields()
        request = self.context.get("request")
        fields["referred"].queryset = Customer.objects.visible_to(getattr(request, "user", None))
        return fields

    def get_referrer_phone_masked(self, referral: Referral) -> str:
        return mask_phone(referral.referrer.phone)


class ReferralViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    """老带新: an owner referred a buyer; the deal and the reward are tracked here."""

    queryset = Referral.objects.all()
    serializer_class = ReferralSerializer
    filterset_fields = ["reward_status", "referred"]
    ordering = ["-created_at", "-id"]

    def scoped_queryset(self, qs):  # noqa: ANN001, ANN201
        return qs.select_related("referrer", "referred", "contract")

    def perform_create(self, serializer) -> None:  # noqa: ANN001
        vd = serializer.validated_data
        serializer.instance = services.referral_create(
            actor=self.request.user, referred=vd["referred"], referrer_phone=vd["referrer_phone"],
            reward=vd.get("reward", ""), reward_value=vd.get("reward_value"), notes=vd.get("notes", ""),
        )  # fmt: skip

    def _answer(self, referral: Referral) -> Response:
        return Response(
            self.get_serializer(self.scoped_queryset(Referral.objects.all()).get(pk=referral.pk)).data
        )

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], url_path="record-deal")
    def record_deal(self, request, pk=None):  # noqa: ANN001, ANN201
        """Record the buyer's signed contract on the referral."""
        return self._answer(services.referral_record_deal(actor=request.user, referral=self.get_object()))

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def grant(self, request, pk=None):  # noqa: ANN001, ANN201
        """Grant the reward (managers of the buyer's site; the deal must be signed)."""
        return self._answer(services.referral_reward_grant(actor=request.user, referral=self.get_object()))

    @extend_schema(request=None, description=_("Cancel a pending reward."))
    @action(detail=True, methods=["post"], url_path="cancel-reward")
    def cancel_reward(self, request, pk=None):  # noqa: ANN001, ANN201
        return self._answer(services.referral_reward_cancel(actor=request.user, referral=self.get_object()))
