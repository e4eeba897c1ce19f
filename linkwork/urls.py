from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from linkwork.notifications import urls as notification_urls
from linkwork.referrals import message_urls as referral_message_urls
from linkwork.referrals import views as referral_views

urlpatterns = [
    path("", include("linkwork.web.urls")),
    path("", include("linkwork.core.urls")),
    path("account/", include("linkwork.accounts.urls")),
    path("audit/", include("linkwork.accounts.audit_urls")),
    path("people/", include("linkwork.web.people_urls")),
    path("referrals/", include("linkwork.referrals.urls")),
    path("casework/", include("linkwork.casework.urls")),
    path("outcomes/", include("linkwork.outcomes.urls")),
    # The referral message pages and delivery's own share one namespace, "notifications".
    path(
        "messages/",
        include(
            (
                [*referral_message_urls.urlpatterns, *notification_urls.urlpatterns],
                notification_urls.app_name,
            )
        ),
    ),
    # The notification centre: each user's own alerts.
    path("notifications/", include("linkwork.notifications.centre_urls")),
    # Public self-referral: no login.
    path("refer/", referral_views.self_referral, name="refer"),
    path("refer/easy-read/", referral_views.self_referral_easy_read, name="refer_easy_read"),
    path("refer/done/", referral_views.self_referral_done, name="refer_done"),
    path("oruk/", include("linkwork.directory.oruk.urls")),
    path("api/v1/", include("linkwork.api.urls")),
    # GOV.UK Notify's delivery receipts and received texts: a bearer token, no session.
    path("callbacks/notify/", include("linkwork.notifications.callback_urls")),
    path("directory/", include("linkwork.directory.urls")),
    path("insights/evaluation/", include("linkwork.evaluation_reports.urls")),
    path("insights/", include("linkwork.insights.urls")),
    path("records/", include("linkwork.records.urls")),
    path("support/", include("linkwork.support.urls")),
    path("groups/", include("linkwork.groups.urls")),
    path("manage/", include("linkwork.administration.urls")),
    path("", include("linkwork.interop.urls")),
    path("", include("linkwork.healthcheck.urls")),
    # The person's own prescription (`/p/`, `/s/`, no login) and its staff pages.
    path("", include("linkwork.prescription.urls")),
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
