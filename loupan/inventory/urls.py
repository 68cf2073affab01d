from django.urls import path

from . import views

app_name = "inventory"

urlpatterns = [
    path("", views.project_list, name="projects"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/buildings/new/", views.building_create, name="building_create"),
    path("buildings/<int:pk>/", views.building_grid, name="grid"),
    path("buildings/<int:pk>/grid/", views.grid_body, name="grid_body"),
    path("buildings/<int:pk>/prices/", views.price_lists, name="price_lists"),
    path("buildings/<int:pk>/prices/upload/", views.price_upload, name="price_upload"),
    path(
        "buildings/<int:pk>/prices/<int:version>/activate/",
        views.price_list_activate,
        name="price_list_activate",
    ),
    path("units/<int:pk>/", views.unit_panel, name="unit_panel"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/hold/", views.unit_hold, name="unit_hold"),
    path("units/<int:pk>/release/", views.unit_release, name="unit_release"),
]
