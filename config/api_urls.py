"""Routes of the REST API v1 (../shared/spec/api-v1.md)."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from loupan.analytics.api import ReportViewSet, SegmentViewSet
from loupan.channels.api import AgencyContractViewSet, RegistrationViewSet
from loupan.channels.commission_api import CommissionStatementViewSet, CommissionView
from loupan.channels.kpi_api import KpiTargetViewSet, KpiView
from loupan.channels.referral_api import ReferralViewSet
from loupan.core.audit_api import AuditEventViewSet
from loupan.customers.api import CustomerViewSet
from loupan.exchange.api import ImportJobViewSet
from loupan.inventory.api import BuildingViewSet, ProjectViewSet, UnitViewSet
from loupan.org.api import AgencyViewSet, ObtainTokenView, SiteViewSet, UserViewSet
from loupan.sales.api import ActivityViewSet
from loupan.sales.deal_api import ContractViewSet, PaymentViewSet, ReservationViewSet, SubscriptionViewSet
from loupan.sales.visit_api import ReceptionViewSet, VisitViewSet
from loupan.sales.worklog_api import WorkLogViewSet

router = DefaultRouter()
router.register("sites", SiteViewSet, basename="site")
router.register("agencies", AgencyViewSet, basename="agency")
router.register("users", UserViewSet, basename="user")
router.register("customers", CustomerViewSet, basename="customer")
router.register("activities", ActivityViewSet, basename="activity")
router.register("audit-events", AuditEventViewSet, basename="auditevent")
router.register("reservations", ReservationViewSet, basename="reservation")
router.register("subscriptions", SubscriptionViewSet, basename="subscription")
router.register("contracts", ContractViewSet, basename="contract")
router.register("payments", PaymentViewSet, basename="payment")
router.register("projects", ProjectViewSet, basename="project")
router.register("buildings", BuildingViewSet, basename="building")
router.register("units", UnitViewSet, basename="unit")
router.register("reports", ReportViewSet, basename="report")
router.register("visits", VisitViewSet, basename="visit")
router.register("reception", ReceptionViewSet, basename="reception")
router.register("worklogs", WorkLogViewSet, basename="worklog")
router.register("registrations", RegistrationViewSet, basename="registration")
router.register("agency-contracts", AgencyContractViewSet, basename="agencycontract")
router.register("segments", SegmentViewSet, basename="segment")
router.register("imports", ImportJobViewSet, basename="import")
router.register("kpi-targets", KpiTargetViewSet, basename="kpitarget")
router.register("referrals", ReferralViewSet, basename="referral")
router.register("commission-statements", CommissionStatementViewSet, basename="commissionstatement")

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("kpis/", KpiView.as_view(), name="kpis"),
    path("commission/", CommissionView.as_view(), name="commission"),
    path("", include(router.urls)),
]
