from django.urls import path

from linkwork.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.search_services, name="search"),
    path("services/new/", views.new_service, name="new"),
    path("services/<uuid:service_id>/", views.service_detail, name="service"),
    path("services/<uuid:service_id>/edit/", views.edit_service, name="edit"),
    path("services/<uuid:service_id>/times/", views.service_schedules, name="schedules"),
    path("services/<uuid:service_id>/venues/", views.service_venues, name="venues"),
    path("services/<uuid:service_id>/costs/", views.service_costs, name="costs"),
    path(
        "services/<uuid:service_id>/suggestions/",
        views.decide_suggestion,
        name="suggestions",
    ),
    path("services/<uuid:service_id>/verify/", views.verify_service, name="verify"),
    path("services/<uuid:service_id>/tips/new/", views.add_tip, name="add_tip"),
    path("tips/", views.tips_to_check, name="tips"),
    path("duplicates/", views.duplicate_list, name="duplicates"),
    path("duplicates/merge/", views.merge, name="merge"),
]
