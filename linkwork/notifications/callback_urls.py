from django.urls import path

from linkwork.notifications import callbacks

app_name = "notify_callbacks"
urlpatterns = [
    path("delivery-status/", callbacks.delivery_status, name="delivery_status"),
    path("received-text/", callbacks.received_text, name="received_text"),
]
