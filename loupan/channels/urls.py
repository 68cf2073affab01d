from django.urls import path

from .views import commission, contracts, kpis, referrals, registrations

app_name = "channels"

urlpatterns = [
    path("registrations/", registrations.registration_list, name="registrations"),
    path("registrations/new/", registrations.registration_create, name="registration_create"),
    path("registrations/<int:pk>/confirm/", registrations.registration_confirm, name="registration_confirm"),
    path("registrations/<int:pk>/reject/", registrations.registration_reject, name="registration_reject"),
    path("kpis/", kpis.kpi_board, name="kpis"),
    path("kpis/targets/", kpis.kpi_targets, name="kpi_targets"),
    path("contracts/", contracts.contract_list, name="contracts"),
    path("contracts/new/", contracts.contract_create, name="contract_create"),
    path("contracts/<int:pk>/renew/", contracts.contract_renew, name="contract_renew"),
    path("contracts/<int:pk>/end/", contracts.contract_end, name="contract_end"),
    path("commission/", commission.commission, name="commission"),
    path("commission/issue/", commission.commission_issue, name="commission_issue"),
    path("commission/statements/<int:pk>/export/", commission.statement_export, name="statement_export"),
    path("referrals/", referrals.referral_list, name="referrals"),
    path("referrals/new/", referrals.referral_create, name="referral_create"),
    path("referrals/<int:pk>/record-deal/", referrals.referral_record_deal, name="referral_record_deal"),
    path("referrals/<int:pk>/grant/", referrals.referral_grant, name="referral_grant"),
    path("referrals/<int:pk>/cancel/", referrals.referral_cancel, name="referral_cancel"),
]
