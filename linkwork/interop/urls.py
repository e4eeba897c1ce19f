"""The interoperability URLs: `/fhir/` and the webhook pages, mounted at the site root."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
