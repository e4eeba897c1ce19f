"""Records and rights pages, under /records/."""

from django.urls import URLPattern, path

from linkwork.records import views

app_name = "records"

urlpatterns: list[URLPattern] = [
    path("requests/", views.requests, name="requests"),
    path("requests/new/", views.new_request, name="new_request"),
    path("requests/<uuid:request_id>/", views.request_detail, name="request"),
    path("requests/<uuid:request_id>/export/", views.download, name="export"),
    path("review/", views.review, name="review"),
    path("review/<int:item_id>/", views.review_item, name="review_item"),
    path("retention/", views.rules, name="rules"),
    path("retention/<slug:record_class>/", views.rule, name="rule"),
]
