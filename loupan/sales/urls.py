from django.urls import path

from . import contract_views, deal_views, views, visit_views, worklog_views

app_name = "sales"

urlpatterns = [
    path("deals/", deal_views.deal_list, name="deal_list"),
    path("deals/subscriptions/new/", views.subscription_create, name="subscription_create"),
    path(
        "deals/subscriptions/new/reservations/",
        views.subscription_reservations,
        name="subscription_reservations",
    ),
    path("deals/subscriptions/<int:pk>/cancel/", views.subscription_cancel, name="subscription_cancel"),
    path("deals/subscriptions/<int:pk>/contract/", views.contract_create, name="contract_create"),
    path("visits/", visit_views.visit_list, name="visit_list"),
    path("visits/desk/", visit_views.visit_desk, name="visit_desk"),
    path("visits/desk/lookup/", visit_views.visit_lookup, name="visit_lookup"),
    path("visits/rotation/", visit_views.visit_rotation, name="visit_rotation"),
    path("visits/rotation/<int:site_pk>/", visit_views.visit_rotation_action, name="visit_rotation_action"),
    path("worklogs/", worklog_views.worklog_day, name="worklog_day"),
    path("worklogs/note/", worklog_views.worklog_note, name="worklog_note"),
    path("worklogs/range/", worklog_views.worklog_range, name="worklog_range"),
    path("worklogs/team/", worklog_views.worklog_team, name="worklog_team"),
    path("deals/contracts/<int:pk>/approve/", contract_views.contract_approve, name="contract_approve"),
    # the deal pages (deal_views, contract_views)
    path("deals/reservations/", deal_views.reservation_list, name="reservation_list"),
    path("deals/reservations/new/", deal_views.reservation_create, name="reservation_create"),
    path("deals/reservations/<int:pk>/refund/", deal_views.reservation_refund, name="reservation_refund"),
    path("deals/subscriptions/<int:pk>/", deal_views.subscription_detail, name="subscription_detail"),
    path(
        "deals/subscriptions/<int:pk>/change-unit/",
        deal_views.subscription_change_unit,
        name="subscription_change_unit",
    ),
    path("deals/contracts/<int:pk>/", contract_views.contract_detail, name="contract_detail"),
    path("deals/contracts/<int:pk>/payments/", contract_views.payment_create, name="payment_create"),
    path("deals/contracts/<int:pk>/schedule/", contract_views.schedule_edit, name="schedule_edit"),
    path("deals/contracts/<int:pk>/handover/", contract_views.contract_handover, name="contract_handover"),
    path("deals/contracts/<int:pk>/cancel/", contract_views.contract_cancel, name="contract_cancel"),
    path(
        "deals/contracts/<int:pk>/change-unit/",
        contract_views.contract_change_unit,
        name="contract_change_unit",
    ),
]
