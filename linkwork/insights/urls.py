"""Insights pages: the dashboards and their downloads."""

from django.urls import URLPattern

app_name = "insights"

urlpatterns: list[URLPattern] = []
