"""The health check pages: the list of schemes at /health-check/, and one scheme's health
check, self-assessment and action plan under /schemes/<scheme_id>/health-check/.

The scheme's id is part of each pattern, not of the include, so every page names all of its
parameters (the permission walk fills them in pattern by pattern)."""

from django.urls import URLPattern, path

from linkwork.healthcheck import report_views, views

app_name = "healthcheck"
HERE = "schemes/<int:scheme_id>/health-check/"

urlpatterns: list[URLPattern] = [
    path("health-check/", report_views.index, name="index"),
    path(HERE, report_views.scheme_check, name="scheme"),
    path(HERE + "health-check.pdf", report_views.scheme_pdf, name="pdf"),
    path(HERE + "self-assessment/", views.self_assessment, name="self_assessment"),
    path(
        HERE + "self-assessment/history/",
        views.self_assessment_history,
        name="self_assessment_history",
    ),
    path(
        HERE + "self-assessment/<int:assessment_id>/",
        views.self_assessment_record,
        name="self_assessment_record",
    ),
    path(HERE + "actions/", views.action_list, name="actions"),
    path(HERE + "actions/new/", views.action_new, name="action_new"),
    path(HERE + "actions/<int:health_action_id>/", views.action_edit, name="action_edit"),
    path(
        HERE + "actions/<int:health_action_id>/status/", views.action_status, name="action_status"
    ),
]
