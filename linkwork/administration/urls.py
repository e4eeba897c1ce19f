"""The service's management pages, under /manage/, for system admins."""

from django.urls import URLPattern, path

from linkwork.administration import views

app_name = "administration"

urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/new/", views.organisation, name="organisation_new"),
    path("organisations/<int:organisation_id>/", views.organisation, name="organisation"),
    path(
        "organisations/<int:organisation_id>/active/",
        views.organisation_active,
        name="organisation_active",
    ),
    path("organisations/<int:organisation_id>/tokens/", views.tokens, name="tokens"),
    path(
        "organisations/<int:organisation_id>/tokens/<int:token_id>/rotate/",
        views.token_rotate,
        name="token_rotate",
    ),
    path(
        "organisations/<int:organisation_id>/tokens/<int:token_id>/revoke/",
        views.token_revoke,
        name="token_revoke",
    ),
    path("schemes/", views.schemes, name="schemes"),
    path("schemes/new/", views.scheme, name="scheme_new"),
    path("schemes/<int:scheme_id>/", views.scheme, name="scheme"),
    path("users/", views.users, name="users"),
    path("users/new/", views.user_new, name="user_new"),
    path("users/<int:user_id>/", views.user, name="user"),
    path("users/<int:user_id>/active/", views.user_active, name="user_active"),
    path(
        "users/<int:user_id>/roles/<int:membership_id>/remove/",
        views.membership_remove,
        name="membership_remove",
    ),
    path("instruments/", views.instruments, name="instruments"),
]
