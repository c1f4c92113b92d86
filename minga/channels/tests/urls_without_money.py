"""The site's URLconf without the channels' routes (test_callbacks_direct)."""

from minga.urls import urlpatterns as site

urlpatterns = [pattern for pattern in site if str(pattern.pattern) != "channels/"]
