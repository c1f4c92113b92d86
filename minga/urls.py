from django.contrib import admin
from django.urls import include, path

from minga.api import api

# The JSON API first: its calls (ballots among them) are the most frequent requests.
urlpatterns = [
    path("api/", api.urls),
    path("", include("minga.core.urls")),
    path("", include("minga.identity.urls")),
    path("accounts/", include("minga.accounts.urls")),
    path("coops/", include("minga.coops.urls")),
    path("log/", include("minga.audit.urls")),
    path("needs/", include("minga.challenges.urls")),
    path("events/", include("minga.events.urls")),
    path("events/", include("minga.judging.urls")),
    path("decisions/", include("minga.decisions.urls")),
    path("channels/", include("minga.channels.urls")),
    path("credentials/trainings/", include("minga.trainings.urls")),
    path("credentials/", include("minga.credentials.urls")),
    path("treasury/", include("minga.treasury.urls")),
    path("agents/", include("minga.agents.urls")),
    path("admin/", admin.site.urls),
]

# Under /api/ a 404 (an unknown path, an id beyond any database integer) answers in JSON.
handler404 = "minga.core.views.page_not_found"
