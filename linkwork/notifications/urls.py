from django.urls import path

from linkwork.notifications import views

app_name = "notifications"
urlpatterns = [
    path("failed/", views.failed, name="failed"),
    path("letters/", views.print_queue, name="print_queue"),
    path("templates/", views.templates, name="templates"),
    path("<uuid:message_id>/printed/", views.mark_printed, name="mark_printed"),
    path("<uuid:message_id>/", views.message, name="message"),
    path("<uuid:message_id>/letter.pdf", views.letter, name="letter"),
    path("<uuid:message_id>/try-again/", views.retry, name="retry"),
]
