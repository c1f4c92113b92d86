"""The monthly balance check's pages (added to `treasury:` by `urls`)."""

from django.urls import path

from . import circularisation_views as views

urlpatterns = [
    path("balance-check/<int:pk>/", views.balance_check, name="balance-check"),
    path("<slug:slug>/balance-checks/", views.balance_checks, name="balance-checks"),
]
