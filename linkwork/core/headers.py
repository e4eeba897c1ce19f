"""Security headers Django does not set itself, on every response.

- `Content-Security-Policy`: scripts, styles, fonts and images from our own origin only
  (images also as `data:` URIs, which the Swagger UI's stylesheet uses for its icons); no
  inline script or style, no plug-ins, no framing, forms post only to us. The NHS.UK frontend,
  htmx and the API docs' Swagger UI are all served from our own static files.
- `Permissions-Policy`: no page needs the camera, microphone, location or the like.
- `Cache-Control: no-store` on every response that does not say how to cache itself. The
  rule is "everything but static files" rather than "pages with personal data", because it is
  simple and cannot miss a page: a page, a download or an API answer with personal data is
  never kept by the browser, its back button or a shared proxy. Static files (WhiteNoise sets
  their caching) and views that set their own `Cache-Control` keep theirs.

Django's `SecurityMiddleware` sets HSTS, `nosniff`, `Referrer-Policy` and
`Cross-Origin-Opener-Policy`; `XFrameOptionsMiddleware` sets `X-Frame-Options` (settings).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from django.http import HttpRequest, HttpResponse

CONTENT_SECURITY_POLICY: Final = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY: Final = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cache-Control", "no-store")
        return response
