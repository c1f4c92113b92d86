from django.urls import path

from . import views

app_name = "agents"

urlpatterns = [
    path("<slug:slug>/", views.agents, name="agents"),
    path("<slug:slug>/counts/", views.counts, name="counts"),
    path("<slug:slug>/me/", views.me, name="me"),
    path("<slug:slug>/me/start/", views.me_start, name="me-start"),
    path("<slug:slug>/me/count/", views.me_count, name="me-count"),
    path("<slug:slug>/me/<int:pk>/confirm/", views.me_confirm, name="me-confirm"),
    path("<slug:slug>/me/<int:pk>/cancel/", views.me_cancel, name="me-cancel"),
    path("<slug:slug>/<int:pk>/", views.agent, name="agent"),
    path("<slug:slug>/<int:pk>/float/", views.float_request, name="float"),
    path("<slug:slug>/<int:pk>/active/", views.set_active, name="active"),
]
