from django.urls import path

from linkwork.casework import views

app_name = "casework"
urlpatterns = [
    path("referrals/<uuid:referral_id>/contacts/", views.contacts, name="contacts"),
]
