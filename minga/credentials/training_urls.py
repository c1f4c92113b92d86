"""URLs of trainings (under /credentials/trainings/) and public profiles (under /credentials/).

Both lists join the `credentials` namespace through `include` in `urls.py`.
"""

from django.urls import path

from . import training_views as views

training_patterns = [
    path("", views.training_list, name="training-list"),
    path("new/", views.training_create, name="training-create"),
    path("<int:pk>/", views.training_detail, name="training-detail"),
    path("<int:pk>/enrol/", views.training_enrol, name="training-enrol"),
    path("<int:pk>/sessions/new/", views.session_create, name="training-session-create"),
    path("<int:pk>/participants/", views.participants, name="training-participants"),
    path(
        "<int:pk>/sessions/<int:session_pk>/attendance/",
        views.attendance,
        name="training-attendance",
    ),
    path("<int:pk>/assessment/", views.assessment, name="training-assessment"),
    path("<int:pk>/complete/", views.complete, name="training-complete"),
]

profile_patterns = [
    path("people/<int:pk>/", views.person_profile, name="person"),
    path("people/<int:pk>/reputation.json", views.person_reputation, name="person-reputation"),
    path("coops/<slug:slug>/", views.coop_profile, name="coop"),
    path("coops/<slug:slug>/reputation.json", views.coop_reputation, name="coop-reputation"),
]
