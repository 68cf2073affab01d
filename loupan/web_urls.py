"""Routes of the web UI, one include per app."""

from django.urls import include, path

urlpatterns = [
    path("", include("loupan.core.urls")),
    path("", include("loupan.customers.urls")),
    path("", include("loupan.sales.urls")),
    path("org/", include("loupan.org.urls")),
    path("inventory/", include("loupan.inventory.urls")),
    path("analytics/", include("loupan.analytics.urls")),
    path("channels/", include("loupan.channels.urls")),
    path("exchange/", include("loupan.exchange.urls")),
]
