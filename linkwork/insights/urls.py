"""Insights pages: the dashboards and their downloads."""

from django.urls import path

from linkwork.insights import views

app_name = "insights"

urlpatterns = [
    path("", views.index, name="index"),
    path("quarterly-return.xlsx", views.quarterly_return, name="quarterly_return"),
    path("<slug:dashboard>/", views.dashboard, name="dashboard"),
    path("<slug:dashboard>.xlsx", views.xlsx, name="xlsx"),
    path("<slug:dashboard>/<slug:table>.csv", views.table_csv, name="table_csv"),
]
