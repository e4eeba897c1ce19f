"""Insights pages: the dashboards and their downloads."""

from django.urls import URLPattern, path

from linkwork.insights import views

app_name = "insights"

urlpatterns: list[URLPattern] = [
    path("extract/", views.extract, name="extract"),
    path("extract/<uuid:extract_id>/download/", views.download, name="extract_download"),
]
