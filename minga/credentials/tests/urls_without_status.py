"""A URLconf without the status list view, to check verification routes afresh."""

urlpatterns: list = []
