"""The interoperability URLs: `/fhir/`, the GP events pages and the webhook pages, mounted at
the site root."""

from django.urls import URLPattern, URLResolver, include, path

from linkwork.interop.webhooks import urls as webhook_urls

urlpatterns: list[URLPattern | URLResolver] = [
    path("fhir/", include("linkwork.interop.fhir.urls")),
    path("webhooks/", include(webhook_urls)),
    path("gp-events/", include("linkwork.interop.gp_events.urls")),
]
