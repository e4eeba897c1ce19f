from django.urls import path

from linkwork.notifications import centre_views

app_name = "notification_centre"
urlpatterns = [
    path("", centre_views.index, name="index"),
    path("read/", centre_views.mark_all_read, name="read_all"),
    path("settings/", centre_views.email_settings, name="settings"),
    path("<int:alert_id>/", centre_views.open_alert, name="open"),
    path("<int:alert_id>/read/", centre_views.mark_read, name="read"),
]
