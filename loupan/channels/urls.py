from django.urls import path

from .views import kpis, registrations

app_name = "channels"

urlpatterns = [
    path("registrations/", registrations.registration_list, name="registrations"),
    path("registrations/new/", registrations.registration_create, name="registration_create"),
    path("registrations/<int:pk>/confirm/", registrations.registration_confirm, name="registration_confirm"),
    path("registrations/<int:pk>/reject/", registrations.registration_reject, name="registration_reject"),
    path("kpis/", kpis.kpi_board, name="kpis"),
    path("kpis/targets/", kpis.kpi_targets, name="kpi_targets"),
]
