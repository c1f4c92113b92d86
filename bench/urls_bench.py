"""The project's URLs plus /bench-hello/, the smallest Django view there is."""

from django.http import HttpResponse
from django.urls import path

from minga.urls import urlpatterns as project_urlpatterns


def hello(request):
    return HttpResponse("Hello, world", content_type="text/plain; charset=utf-8")


urlpatterns = [path("bench-hello/", hello), *project_urlpatterns]
