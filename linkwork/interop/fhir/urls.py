"""The FHIR API's addresses under `/fhir/`; anything else there answers 404 OperationOutcome."""

from __future__ import annotations

from django.urls import path, re_path

from linkwork.interop.fhir import views

app_name = "fhir"
urlpatterns = [
    path("metadata", views.metadata, name="metadata"),
    path("", views.transaction, name="transaction"),
    path("Task", views.task_search, name="task-search"),
    path("Task/<str:id>", views.task, name="task"),
    path("ServiceRequest/<str:id>", views.service_request, name="service-request"),
    re_path(r"", views.not_found, name="not-found"),
]
