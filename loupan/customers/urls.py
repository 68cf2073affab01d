from django.urls import path

from . import views

app_name = "customers"

urlpatterns = [
    path("customers/", views.customer_list, name="list"),
    path("customers/new/", views.customer_create, name="create"),
    path("customers/export/", views.customer_export, name="export"),
    path("customers/<int:pk>/", views.customer_detail, name="detail"),
    path("customers/<int:pk>/edit/", views.customer_edit, name="edit"),
    path("customers/<int:pk>/follow-up/", views.activity_create, name="follow_up"),
    path("customers/<int:pk>/release/", views.customer_release, name="release"),
    path("customers/<int:pk>/transfer/", views.customer_transfer, name="transfer"),
    path("customers/<int:pk>/claim/", views.customer_claim, name="claim"),
    path("pool/", views.pool, name="pool"),
]
