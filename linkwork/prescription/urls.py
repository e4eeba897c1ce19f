from django.urls import path

from linkwork.prescription import views

app_name = "prescription"
urlpatterns = [
    # The person's own pages: no login, reached by a single-use link.
    path("p/<str:token>/", views.open_prescription, name="open"),
    path("p/", views.page, name="page"),
    # Before the token pattern, which would otherwise take "thanks" for a token.
    path("s/thanks/", views.survey_done, name="survey_done"),
    path("s/<str:token>/", views.open_survey, name="survey_open"),
    path("s/", views.survey, name="survey"),
    # Staff.
    path("prescription/referrals/<uuid:referral_id>/", views.case, name="case"),
    path("prescription/links/<uuid:link_id>/revoke/", views.revoke, name="revoke"),
    path("prescription/links/<uuid:link_id>/print/", views.print_page, name="print"),
    path("prescription/feedback/", views.feedback, name="feedback"),
    path(
        "prescription/feedback/<uuid:service_id>/", views.feedback_service, name="feedback_service"
    ),
    path(
        "prescription/schemes/<int:scheme_id>/contact/",
        views.scheme_contact,
        name="scheme_contact",
    ),
]
