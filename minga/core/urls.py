from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("language/", views.set_language, name="set-language"),
    path("health", views.health, name="health"),
]
