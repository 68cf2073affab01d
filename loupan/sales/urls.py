from django.urls import path

from . import views

app_name = "sales"

urlpatterns = [
    path("deals/", views.deal_list, name="deal_list"),
    path("deals/subscriptions/new/", views.subscription_create, name="subscription_create"),
    path("deals/subscriptions/<int:pk>/cancel/", views.subscription_cancel, name="subscription_cancel"),
]
