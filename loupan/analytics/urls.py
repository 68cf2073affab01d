from django.urls import path

from . import views

app_name = "analytics"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("reports/", views.report_index, name="reports"),
    path("reports/<slug:slug>/", views.report_detail, name="report"),
    path("reports/<slug:slug>/export/", views.report_export, name="report_export"),
    path("segments/", views.segments, name="segments"),
    path("segments/refresh/", views.segments_refresh, name="segments_refresh"),
]
