from django.urls import path

from linkwork.web import home

app_name = "web"
urlpatterns = [
    path("", home.home, name="home"),
]
