"""The evaluation pages, under /insights/evaluation/."""

from django.urls import URLPattern, path

from linkwork.evaluation_reports import views

app_name = "evaluation_reports"

urlpatterns: list[URLPattern] = [
    path("", views.evaluation, name="evaluation"),
    path("<uuid:evaluation_id>/download/", views.download, name="download"),
]
