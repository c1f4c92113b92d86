from django.urls import path

from . import views

app_name = "identity"

urlpatterns = [
    path(".well-known/did.json", views.show_platform_did, name="show-platform-did"),
    path("coops/<slug:slug>/did.json", views.show_coop_did, name="show-coop-did"),
]
