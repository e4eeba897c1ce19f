"""Insights pages: the dashboards and their downloads."""

from django.urls import URLPattern, path

from linkwork.insights import extract_views, views

app_name = "insights"

urlpatterns: list[URLPattern] = [
    path("extract/", extract_views.extract, name="extract"),
    path("extract/<uuid:extract_id>/download/", extract_views.download, name="extract_download"),
    path("", views.index, name="index"),
    path("quarterly-return.xlsx", views.quarterly_return, name="quarterly_return"),
    path("<slug:dashboard>/", views.dashboard, name="dashboard"),
    path("<slug:dashboard>.xlsx", views.xlsx, name="xlsx"),
    path("<slug:dashboard>/<slug:table>.csv", views.table_csv, name="table_csv"),
]
