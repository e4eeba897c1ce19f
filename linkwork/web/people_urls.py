from django.urls import path

from linkwork.web import views

# The person page lists the person's referrals, so it lives above referrals; its address and
# name stay in the people namespace.
app_name = "people"
urlpatterns = [
    path("<uuid:person_id>/", views.detail, name="detail"),
    path("<uuid:person_id>/edit/", views.edit, name="edit"),
]
