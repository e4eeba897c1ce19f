"""The referral message pages, at /messages/referrals/. `linkwork.urls` puts them in the
"notifications" URL namespace beside the message pages, so every URL name stays as it was."""

from django.urls import path

from linkwork.referrals import message_views

urlpatterns = [
    path("referrals/", message_views.my_referrals, name="my_referrals"),
    path(
        "referrals/<uuid:referral_id>/", message_views.referral_messages, name="referral_messages"
    ),
    path("replies/", message_views.unmatched_replies, name="unmatched_replies"),
    path("replies/<uuid:reply_id>/match/", message_views.match_reply, name="match_reply"),
]
