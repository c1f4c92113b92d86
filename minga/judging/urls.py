"""Judging pages under /events/<slug>/ (mounted after the events app's own patterns)."""

from django.urls import path

from . import views

app_name = "judging"

urlpatterns = [
    path("<slug:slug>/how-we-judge/", views.how_we_judge, name="how-we-judge"),
    path("<slug:slug>/jury/", views.jury, name="jury"),
    path("<slug:slug>/jury/settings/", views.jury_settings, name="settings"),
    path("<slug:slug>/jury/rubric/", views.rubric, name="rubric"),
    path("<slug:slug>/jury/jurors/", views.juror_add, name="juror-add"),
    path("<slug:slug>/jury/jurors/<int:pk>/remove/", views.juror_remove, name="juror-remove"),
    path("<slug:slug>/jury/assign/", views.assign, name="assign"),
    path("<slug:slug>/jury/mine/", views.my_reviews, name="my-reviews"),
    path("<slug:slug>/jury/proposals/<int:pk>/", views.score, name="score"),
    path(
        "<slug:slug>/jury/proposals/<int:pk>/files/<str:key>/",
        views.jury_attachment,
        name="attachment",
    ),
    path("<slug:slug>/vote/", views.vote, name="vote"),
    path("<slug:slug>/results/", views.results, name="results"),
    path("<slug:slug>/results.csv", views.results_csv, name="results-csv"),
    path("<slug:slug>/winners/", views.winners, name="winners"),
    path("<slug:slug>/awards/", views.awards, name="awards"),
]
