"""The GP events pages, under /gp-events/."""

from django.urls import URLPattern, path

from linkwork.interop.gp_events import views

app_name = "gp_events"

urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("batches/<uuid:batch_id>/", views.batch, name="batch"),
    path("batches/<uuid:batch_id>/csv/", views.batch_csv, name="batch_csv"),
    path("batches/<uuid:batch_id>/fhir/", views.batch_fhir, name="batch_fhir"),
]
