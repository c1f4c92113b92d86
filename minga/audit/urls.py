from django.urls import path, re_path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.log_index, name="log-index"),
    path("checkpoint", views.checkpoint, name="checkpoint"),
    path("tile/<path:path>", views.tile, name="tile"),
    re_path(r"^entries/(?P<index>[^/]*)$", views.entry, name="entry"),
    path("proof/consistency", views.consistency, name="consistency-proof"),
    path("key-handovers", views.key_handovers, name="key-handovers"),
    path("witness", views.witness_state, name="witness-state"),
    path("witness/key-handover", views.witness_key_handover, name="witness-key-handover"),
    path("witness/add-checkpoint", views.witness_add_checkpoint, name="witness-add-checkpoint"),
]
