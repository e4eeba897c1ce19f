"""The link worker support pages, under /support/."""

from django.urls import URLPattern, path

from linkwork.support import views

app_name = "support"

urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("overview/", views.overview, name="overview"),
    path("settings/", views.settings, name="settings"),
    path("sessions/new/", views.new_session, name="new_session"),
    path("sessions/<int:session_id>/", views.session, name="session"),
    path("sessions/<int:session_id>/notes/", views.session_notes, name="session_notes"),
    path("training/", views.training, name="training"),
    path("wellbeing/", views.wellbeing, name="wellbeing"),
    path("peers/", views.peers, name="peers"),
    path("peers/yours/", views.peer_profile, name="peer_profile"),
]
