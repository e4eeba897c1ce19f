"""The webhook pages, under /webhooks/ in the "webhooks" namespace."""

from django.urls import path

from linkwork.interop.webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("", views.endpoints, name="endpoints"),
    path("new/", views.new_endpoint, name="new"),
    path("<uuid:endpoint_id>/deactivate/", views.deactivate, name="deactivate"),
    path("<uuid:endpoint_id>/rotate/", views.rotate, name="rotate"),
    path("dead/", views.dead, name="dead"),
    path("dead/replay/", views.replay_all, name="replay_all"),
    path("dead/<uuid:delivery_id>/replay/", views.replay, name="replay"),
]
