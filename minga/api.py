"""The JSON API under /api/, documented at /api/openapi.json."""

from ninja import NinjaAPI

from minga.challenges.api import router as needs_router
from minga.coops.api import router as coops_router
from minga.core.ids import int_path_params
from minga.credentials.api import router as vc_router
from minga.decisions.api import router as decisions_router
from minga.events.api import router as events_router
from minga.judging.api import router as results_router
from minga.treasury.api import router as treasury_router

api = NinjaAPI(
    title="Minga API",
    version="1",
    description="Public data of the Minga platform: cooperatives, and more as the platform grows.",
    urls_namespace="api",
    # The interactive docs page weighs a megabyte of JavaScript; the OpenAPI document
    # at /api/openapi.json works with any viewer.
    docs_url=None,
)
ROUTERS = {
    "/coops": coops_router,
    "/needs": needs_router,
    "/events": events_router,
    "/results": results_router,
    "/decisions": decisions_router,
    "/vc": vc_router,
    "/treasury": treasury_router,
}
for prefix, router in ROUTERS.items():
    # Numeric ids beyond a database integer match no URL (404), as everywhere in Minga.
    int_path_params(router)
    api.add_router(prefix, router)
