"""The reconciliation's pages (added to `treasury:` by `urls`)."""

from django.urls import path

from . import reconciliation_views as views

urlpatterns = [
    path("<slug:slug>/statements/", views.statement_imports, name="statement-imports"),
    path("<slug:slug>/statements/rules/", views.statement_sources, name="statement-sources"),
    path("<slug:slug>/statements/<int:pk>/", views.statement_import, name="statement-import"),
    path(
        "<slug:slug>/reconciliation/",
        views.reconciliation_exceptions,
        name="reconciliation-exceptions",
    ),
    path(
        "<slug:slug>/reconciliation/<int:pk>/resolve/",
        views.reconciliation_resolve,
        name="reconciliation-resolve",
    ),
]
