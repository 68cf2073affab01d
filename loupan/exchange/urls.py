from django.urls import path

from . import views, views_systems

app_name = "exchange"

urlpatterns = [
    path("imports/", views.import_list, name="imports"),
    path("imports/<int:pk>/", views.import_detail, name="detail"),
    path("imports/<int:pk>/mapping/", views.import_mapping, name="mapping"),
    path("imports/<int:pk>/progress/", views.import_progress, name="progress"),
    path("imports/<int:pk>/commit/", views.import_commit, name="commit"),
    path("imports/<int:pk>/report.xlsx", views.import_report, name="report"),
]

urlpatterns += [
    path("systems/", views_systems.system_list, name="systems"),
    path("systems/<int:pk>/", views_systems.system_detail, name="system"),
    path("tokens/<int:pk>/revoke/", views_systems.token_revoke, name="token_revoke"),
    path("webhooks/<int:pk>/pause/", views_systems.webhook_pause, name="webhook_pause"),
    path("deliveries/<int:pk>/redeliver/", views_systems.delivery_redeliver, name="redeliver"),
]
