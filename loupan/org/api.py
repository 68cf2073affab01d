"""API of the organisation: token login, sites, agencies, users (api-v1.md "Organisation")."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from loupan.core.audit import audit_record
from loupan.core.permissions import policy_permission

from . import services
from .choices import Role
from .models import Agency, Site, User


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class ObtainTokenView(APIView):
    """Exchange a username and password for an API token. Throttled; inactive users get none."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: inline_serializer("Token", {"token": serializers.CharField()})},
    )
    def post(self, request):  # noqa: ANN001, ANN201
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # The plain HttpRequest, so django-axes can mark a lockout that its middleware sees.
        user = authenticate(request._request, **data.validated_data)
        if user is None or not user.has_live_access:
            return Response(
                {"non_field_errors": [_("Unable to log in with the given username and password.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        token, _created = Token.objects.get_or_create(user=user)
        audit_record(actor=user, action="login", obj=user, detail={"via": "api"}, request=request)
        return Response({"token": token.key})


class SiteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Site
        fields = [
            "id", "code", "name", "project", "address", "is_active", "pool_after_days",
            "pool_after_days_by_status", "pool_claims_per_day", "max_customers_per_user",
            "registration_visit_days", "registration_protection_days",
        ]  # fmt: skip
        extra_kwargs = {"code": {"validators": []}}


class AgencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = [
            "id",
            "name",
            "contact_name",
            "contact_phone",
            "contract_start",
            "contract_end",
            "is_active",
        ]
        extra_kwargs = {"name": {"validators": []}}


class UserSerializer(serializers.ModelSerializer):
    password = serializers.CharField(write_only=True, required=False, trim_whitespace=False)
    sites = serializers.PrimaryKeyRelatedField(many=True, queryset=Site.objects.all(), required=False)
    role = serializers.ChoiceField(choices=Role.choices)

    class Meta:
        model = User
        fields = [
            "id", "username", "password", "full_name", "email", "role", "sites", "agency", "mobile",
            "is_active", "on_duty", "last_login",
        ]  # fmt: skip
        read_only_fields = ["last_login"]
        extra_kwargs = {"username": {"validators": []}}

    def validate(self, attrs: dict) -> dict:
        if self.instance is None and not attrs.get("password"):
            raise serializers.ValidationError({"password": [_("A password is required.")]})
        return attrs


class SiteViewSet(viewsets.ModelViewSet):
    """Sales sites. Everyone reads the sites they work at; admins manage them."""

    serializer_class = SiteSerializer
    permission_classes = [policy_permission(None, "org.manage")]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    filterset_fields = ["code", "is_active"]

    def get_queryset(self):  # noqa: ANN201
        return Site.objects.visible_to(self.request.user)

    def perform_create(self, serializer) -> None:  # noqa: ANN001
        serializer.instance = services.site_create(actor=self.request.user, data=serializer.validated_data)

    def perform_update(self, serializer) -> None:  # noqa: ANN001
        serializer.instance = services.site_update(
            actor=self.request.user, site=serializer.instance, data=serializer.validated_data
        )


class AgencyViewSet(viewsets.ModelViewSet):
    """Agencies under contract: admins manage, company managers read."""

    serializer_class = AgencySerializer
    queryset = Agency.objects.all()
    permission_classes = [policy_permission("org.read", "org.manage")]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    filterset_fields = ["is_active"]

    def perform_create(self, serializer) -> None:  # noqa: ANN001
        serializer.instance = services.agency_create(actor=self.request.user, data=serializer.validated_data)

    def perform_update(self, serializer) -> None:  # noqa: ANN001
        serializer.instance = services.agency_update(
            actor=self.request.user, agency=serializer.instance, data=serializer.validated_data
        )

    @extend_schema(
        request=None,
        responses={200: inline_serializer("Offboarded", {"released": serializers.IntegerField()})},
    )
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):  # noqa: ANN001, ANN201
        """End the agency: its agents lose access at once; their customers go to the pools."""
        return Response(services.agency_deactivate(actor=request.user, agency=self.get_object()))


class UserViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Users and roles: admins manage; others read the colleagues in their scope."""

    serializer_class = UserSerializer
    permission_classes = [policy_permission(None, "org.manage")]
    filterset_fields = ["role", "is_active", "agency", "sites"]

    def get_queryset(self):  # noqa: ANN201
        return User.objects.visible_to(self.request.user).prefetch_related("sites")

    def perform_create(self, serializer) -> None:  # noqa: ANN001
        data = dict(serializer.validated_data)
        password, sites = data.pop("password"), data.pop("sites", [])
        serializer.instance = services.user_create(
            actor=self.request.user, data=data, password=password, sites=sites
        )

    def perform_update(self, serializer) -> None:  # noqa: ANN001
        data = dict(serializer.validated_data)
        password, sites = data.pop("password", None), data.pop("sites", None)
        serializer.instance = services.user_update(
            actor=self.request.user, user=serializer.instance, data=data, password=password, sites=sites
        )
