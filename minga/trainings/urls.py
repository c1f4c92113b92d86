"""Training pages, served under /credentials/trainings/ (their address from before trainings
were an app of their own, kept so links and certificates' evidence still lead to them)."""

from django.urls import path

from . import views

app_name = "trainings"

urlpatterns = [
    path("", views.training_list, name="list"),
    path("new/", views.training_create, name="create"),
    path("<int:pk>/", views.training_detail, name="detail"),
    path("<int:pk>/enrol/", views.training_enrol, name="enrol"),
    path("<int:pk>/sessions/new/", views.session_create, name="session-create"),
    path("<int:pk>/participants/", views.participants, name="participants"),
    path(
        "<int:pk>/sessions/<int:session_pk>/attendance/",
        views.attendance,
        name="attendance",
    ),
    path("<int:pk>/assessment/", views.assessment, name="assessment"),
    path("<int:pk>/complete/", views.complete, name="complete"),
]
