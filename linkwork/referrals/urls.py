from django.urls import path

from linkwork.referrals import views

app_name = "referrals"
urlpatterns = [
    path("", views.referral_list, name="list"),
    path("<uuid:referral_id>/", views.detail, name="detail"),
]
