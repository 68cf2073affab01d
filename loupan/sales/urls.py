from django.urls import path

from . import views

app_name = "sales"

urlpatterns = [
    path("deals/", views.deal_list, name="deal_list"),
    path("deals/subscriptions/new/", views.subscription_create, name="subscription_create"),
    path("deals/subscriptions/<int:pk>/cancel/", views.subscription_cancel, name="subscription_cancel"),
    path("deals/subscriptions/<int:pk>/contract/", views.contract_create, name="contract_create"),
    path("deals/contracts/<int:pk>/approve/", views.contract_approve, name="contract_approve"),
]
