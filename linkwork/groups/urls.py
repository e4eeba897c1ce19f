from django.urls import path

from linkwork.groups import views

app_name = "groups"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("<uuid:group_id>/", views.group, name="group"),
    path("<uuid:group_id>/edit/", views.edit, name="edit"),
    path("<uuid:group_id>/close/", views.close, name="close"),
    path("sessions/<uuid:group_session_id>/", views.session, name="session"),
]
