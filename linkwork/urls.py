from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", include("linkwork.core.urls")),
    path("account/", include("linkwork.accounts.urls")),
    path("audit/", include("linkwork.audit.urls")),
    path("people/", include("linkwork.people.urls")),
    path("referrals/", include("linkwork.referrals.urls")),
    path("directory/", include("linkwork.directory.urls")),
    # The admin site signs in through our login, so it gets lock-out and two-factor too.
    path(
        "django-admin/login/",
        RedirectView.as_view(pattern_name="accounts:login", query_string=True),
    ),
    path("django-admin/", admin.site.urls),
]

handler400 = "linkwork.core.views.bad_request"
handler403 = "linkwork.core.views.permission_denied"
handler404 = "linkwork.core.views.page_not_found"
handler500 = "linkwork.core.views.server_error"
