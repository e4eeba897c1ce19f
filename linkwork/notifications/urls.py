from django.urls import path

from linkwork.notifications import views

app_name = "notifications"
urlpatterns = [
    path("failed/", views.failed, name="failed"),
    path("<uuid:message_id>/", views.message, name="message"),
    path("<uuid:message_id>/letter.pdf", views.letter, name="letter"),
    path("<uuid:message_id>/try-again/", views.retry, name="retry"),
]
