"""The interoperability URLs: `/fhir/` and the webhook pages, mounted at the site root."""

from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("fhir/", include("linkwork.interop.fhir.urls")),
]
