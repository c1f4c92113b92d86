from django.urls import path

from . import key_views, views

app_name = "identity"

urlpatterns = [
    path(".well-known/did.json", views.show_platform_did, name="show-platform-did"),
    path(".well-known/did.jsonl", views.show_platform_log, name="show-platform-log"),
    path(".well-known/did-witness.json", views.show_platform_witness, name="show-platform-witness"),
    path("coops/<slug:slug>/did.json", views.show_coop_did, name="show-coop-did"),
    path("coops/<slug:slug>/did.jsonl", views.show_coop_log, name="show-coop-log"),
    path("coops/<slug:slug>/did-witness.json", views.show_coop_witness, name="show-coop-witness"),
    path("coops/<slug:slug>/keys/", key_views.key_list, name="key-list"),
    path("coops/<slug:slug>/keys/rotate/", key_views.key_rotate, name="key-rotate"),
    path("coops/<slug:slug>/keys/retire/", key_views.key_retire, name="key-retire"),
    path(
        "coops/<slug:slug>/keys/<int:pk>/compromise/",
        key_views.key_compromise,
        name="key-compromise",
    ),
    path("coops/<slug:slug>/keys/witnesses/", key_views.witness_set, name="witness-set"),
    path(
        "coops/<slug:slug>/keys/approve/<int:pk>/", key_views.update_approve, name="update-approve"
    ),
]
