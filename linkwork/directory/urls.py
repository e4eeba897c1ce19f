from django.urls import path

from linkwork.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.search_services, name="search"),
    path("services/<uuid:service_id>/", views.service_detail, name="service"),
    path("services/<uuid:service_id>/edit/", views.edit_service, name="edit"),
    path("services/<uuid:service_id>/verify/", views.verify_service, name="verify"),
    path(
        "services/<uuid:service_id>/suggestions/",
        views.decide_suggestion,
        name="suggestions",
    ),
    path("duplicates/", views.duplicate_list, name="duplicates"),
    path("duplicates/merge/", views.merge, name="merge"),
]
