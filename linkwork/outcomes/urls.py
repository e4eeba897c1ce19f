from django.urls import path

from linkwork.outcomes import views

app_name = "outcomes"
urlpatterns = [
    path("referrals/<uuid:referral_id>/", views.trajectories, name="trajectories"),
    path("referrals/<uuid:referral_id>/record/<str:instrument>/", views.record, name="record"),
    path("referrals/<uuid:referral_id>/flags/<uuid:flag_id>/", views.flag, name="flag"),
]
