"""The project's URLs plus /bench-hello/, the smallest Django view there is, and
/bench-worker/, which names the server process that answered (so a bench can spread its
kept-alive connections evenly over the workers)."""

import os

from django.http import HttpResponse
from django.urls import path

from minga.urls import urlpatterns as project_urlpatterns


def hello(request):
    return HttpResponse("Hello, world", content_type="text/plain; charset=utf-8")


def worker(request):
    return HttpResponse(str(os.getpid()), content_type="text/plain; charset=utf-8")


urlpatterns = [path("bench-hello/", hello), path("bench-worker/", worker), *project_urlpatterns]
