"""The KPI board over the API: ``kpis/?site=ID&period=YYYY-MM`` and ``kpi-targets/``."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from loupan.core.errors import NotAllowed
from loupan.core.policy import can
from loupan.org.models import Site, User

from . import selectors, services
from .models import KpiTarget


def _plain(row: dict) -> dict:
    out = dict(row)
    out["contract_value"] = f"{row['contract_value']:.2f}"
    if row.get("target") and row["target"].get("contract_value") is not None:
        out["target"] = {**row["target"], "contract_value": f"{row['target']['contract_value']:.2f}"}
    return out


class KpiView(APIView):
    """One row per salesperson or agent of a site for a month, the same columns for everyone;
    managers read every row (plus ``teams``: in-house vs agency), others their own row."""

    @extend_schema(
        parameters=[
            OpenApiParameter("site", int, required=True),
            OpenApiParameter("period", str, description="YYYY-MM (default: this month)"),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):  # noqa: ANN001, ANN201
        if not can(request.user, "kpi.read"):
            raise NotAllowed()
        site = selectors.kpi_site(user=request.user, site_id=request.query_params.get("site"))
        period = selectors.parse_period(request.query_params.get("period"))
        rows = selectors.kpi_rows(user=request.user, site=site, period=period)
        body = {"count": len(rows), "next": None, "previous": None, "results": [_plain(r) for r in rows]}
        body.update({"site": site.pk, "period": str(period)})
        if can(request.user, "kpi.all_rows", site):
            body["teams"] = [_plain(t) for t in selectors.kpi_teams(rows)]
        return Response(body)


class KpiTargetSerializer(serializers.ModelSerializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.all())
    month = serializers.CharField(help_text="YYYY-MM")

    class Meta:
        model = KpiTarget
        fields = [
            "id", "user", "site", "month", "new_customers", "visits", "subscriptions", "contracts",
            "contract_value", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["updated_at"]
        validators: list = []

    def to_representation(self, target: KpiTarget) -> dict:
        data = super().to_representation(target)
        data["month"] = f"{target.month:%Y-%m}"
        return data


class KpiTargetViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Targets per person and month: managers set them for their sites (POST replaces the
    month's targets of that person); everyone reads those in their scope."""

    queryset = KpiTarget.objects.all()
    serializer_class = KpiTargetSerializer
    filterset_fields = ["site", "user"]

    def get_queryset(self):  # noqa: ANN201
        return KpiTarget.objects.visible_to(self.request.user).order_by("-month", "site", "user")

    def create(self, request, *args, **kwargs):  # noqa: ANN001, ANN201
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        vd = body.validated_data
        target = services.kpi_target_set(
            actor=request.user, user=vd["user"], site=vd["site"],
            month=selectors.parse_period(vd["month"]).month, values=vd,
        )  # fmt: skip
        return Response(self.get_serializer(target).data, status=201)
