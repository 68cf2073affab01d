"""Commission over the API: a month's lines of an agency, statements for finance, export."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from loupan.core.errors import ValidationFailed
from loupan.core.permissions import policy_permission
from loupan.org.models import Agency

from . import selectors, services
from .models import CommissionLine, CommissionStatement


def _line(line) -> dict:  # noqa: ANN001
    """A computed line or a stored one, as JSON."""
    return {
        "kind": line.kind, "contract": line.contract.pk, "agent": line.agent.pk, "site": line.site.pk,
        "at": line.at.isoformat(), "contract_value": f"{line.contract.price:.2f}",
        "rate_percent": f"{line.rate_percent:.2f}", "amount": f"{line.amount:.2f}",
    }  # fmt: skip


def _agency(value) -> Agency:  # noqa: ANN001
    agency = Agency.objects.filter(pk=value).first() if str(value or "").isdigit() else None
    if agency is None:
        raise ValidationFailed({"agency": [_("Choose an agency.")]})
    return agency


class CommissionView(APIView):
    """The commission of an agency for a month, computed from the contracts (not yet issued)."""

    permission_classes = [policy_permission("commission.read", "commission.settle")]

    @extend_schema(
        parameters=[OpenApiParameter("agency", int, required=True), OpenApiParameter("period", str)],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):  # noqa: ANN001, ANN201
        agency = _agency(request.query_params.get("agency"))
        period = selectors.parse_period(request.query_params.get("period"))
        lines = selectors.commission_lines(agency=agency, period=period)
        totals = selectors.commission_totals(lines)
        return Response(
            {"agency": agency.pk, "period": str(period), **{k: f"{v:.2f}" for k, v in totals.items()},
             "lines": [_line(line) for line in lines]}
        )  # fmt: skip


class StatementSerializer(serializers.ModelSerializer):
    period = serializers.SerializerMethodField()

    class Meta:
        model = CommissionStatement
        fields = ["id", "agency", "period", "earned", "reversed", "total", "created_at"]

    def get_period(self, statement: CommissionStatement) -> str:
        return f"{statement.month:%Y-%m}"


class IssueSerializer(serializers.Serializer):
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all())
    period = serializers.CharField()


class CommissionStatementViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Issued statements (finance): POST ``{"agency", "period"}`` issues one; ``export/`` as XLSX."""

    queryset = CommissionStatement.objects.select_related("agency").order_by("-month", "agency")
    serializer_class = StatementSerializer
    permission_classes = [policy_permission("commission.read", "commission.settle")]
    filterset_fields = ["agency"]

    def retrieve(self, request, *args, **kwargs):  # noqa: ANN001, ANN201
        statement = self.get_object()
        lines = CommissionLine.objects.filter(statement=statement).select_related("contract", "agent", "site")
        return Response({**self.get_serializer(statement).data, "lines": [_line(line) for line in lines]})

    @extend_schema(request=IssueSerializer)
    def create(self, request, *args, **kwargs):  # noqa: ANN001, ANN201
        body = IssueSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        statement = services.commission_statement_issue(
            actor=request.user, agency=body.validated_data["agency"],
            period=selectors.parse_period(body.validated_data["period"]),
        )  # fmt: skip
        return Response(self.get_serializer(statement).data, status=201)

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=["xlsx", "csv"])],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):  # noqa: ANN001, ANN201
        """The statement as a spreadsheet for finance (audited)."""
        fmt = request.query_params.get("format", "xlsx")
        if fmt not in ("xlsx", "csv"):
            raise ValidationFailed({"format": [_("Choose csv or xlsx.")]})
        content, filename, mime = services.commission_statement_export(
            actor=request.user, statement=self.get_object(), fmt=fmt
        )
        response = HttpResponse(content, content_type=mime)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
