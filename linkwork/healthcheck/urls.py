from django.urls import path

from linkwork.healthcheck import views

app_name = "healthcheck"
urlpatterns = [
    path("health-check/", views.index, name="index"),
    path("schemes/<int:scheme_id>/health-check/", views.scheme_check, name="scheme"),
    path("schemes/<int:scheme_id>/health-check/health-check.pdf", views.scheme_pdf, name="pdf"),
]
