from django.urls import path

from linkwork.accounts import reset_views, staff_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("logout/", views.logout, name="logout"),
    # Any signed-in user's own password.
    path("password/", views.change_password, name="change_password"),
    # "Forgotten your password?": public, like the login page.
    path("password-reset/", reset_views.password_reset, name="password_reset"),
    path("password-reset/sent/", reset_views.password_reset_sent, name="password_reset_sent"),
    path(
        "password-reset/<str:uidb64>/new-password/",
        reset_views.password_reset_new,
        name="password_reset_new",
    ),
    path(
        "password-reset/<str:uidb64>/<str:token>/",
        reset_views.password_reset_link,
        name="password_reset_link",
    ),
    # Running the service: system admins and scheme leads.
    path(
        "users/<int:user_id>/reset-two-factor/",
        staff_views.reset_two_factor,
        name="reset_two_factor",
    ),
    path(
        "scheme/<int:scheme_id>/link-workers/",
        staff_views.scheme_link_workers,
        name="scheme_link_workers",
    ),
    path(
        "scheme/<int:scheme_id>/link-workers/<int:user_id>/remove/",
        staff_views.remove_link_worker,
        name="remove_link_worker",
    ),
]
