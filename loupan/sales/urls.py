from django.urls import path

from . import views, visit_views, worklog_views

app_name = "sales"

urlpatterns = [
    path("deals/", views.deal_list, name="deal_list"),
    path("deals/subscriptions/new/", views.subscription_create, name="subscription_create"),
    path("deals/subscriptions/<int:pk>/cancel/", views.subscription_cancel, name="subscription_cancel"),
    path("deals/subscriptions/<int:pk>/contract/", views.contract_create, name="contract_create"),
    path("deals/contracts/<int:pk>/approve/", views.contract_approve, name="contract_approve"),
    path("visits/", visit_views.visit_list, name="visit_list"),
    path("visits/desk/", visit_views.visit_desk, name="visit_desk"),
    path("visits/desk/lookup/", visit_views.visit_lookup, name="visit_lookup"),
    path("visits/rotation/", visit_views.visit_rotation, name="visit_rotation"),
    path("visits/rotation/<int:site_pk>/", visit_views.visit_rotation_action, name="visit_rotation_action"),
    path("worklogs/", worklog_views.worklog_day, name="worklog_day"),
    path("worklogs/note/", worklog_views.worklog_note, name="worklog_note"),
    path("worklogs/range/", worklog_views.worklog_range, name="worklog_range"),
    path("worklogs/team/", worklog_views.worklog_team, name="worklog_team"),
]
