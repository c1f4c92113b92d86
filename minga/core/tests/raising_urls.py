"""A URLconf with one view that fails, for the tests of error reporting."""

from django.urls import path


def fail(request):
    raise RuntimeError("the ledger does not balance")


urlpatterns = [path("fail", fail)]
