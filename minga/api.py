"""The JSON API under /api/, documented at /api/openapi.json."""

from ninja import NinjaAPI

from minga.coops.api import router as coops_router

api = NinjaAPI(
    title="Minga API",
    version="1",
    description="Public data of the Minga platform: cooperatives, and more as the platform grows.",
    urls_namespace="api",
)
api.add_router("/coops", coops_router)
