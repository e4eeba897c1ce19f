from django.urls import path

from linkwork.referrals import views

app_name = "referrals"
urlpatterns = [
    path("", views.referral_list, name="list"),
    path("new/", views.new_referral, name="new"),
    path("new/person/", views.new_person, name="new_person"),
    path("new/details/", views.new_details, name="new_details"),
    path("new/check/", views.new_check, name="new_check"),
    path("sent/", views.sent, name="sent"),
    path("triage/", views.triage_queue, name="triage_queue"),
    path("<uuid:referral_id>/", views.detail, name="detail"),
    path("<uuid:referral_id>/triage/", views.triage, name="triage"),
    path("<uuid:referral_id>/triage/decide/", views.triage_decide, name="triage_decide"),
    path("<uuid:referral_id>/match/", views.match_decide, name="match_decide"),
    path("<uuid:referral_id>/withdraw/", views.withdraw, name="withdraw"),
]
