from django.urls import path

from . import views

app_name = "coops"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("map/", views.overview, name="overview"),
    path("new/", views.create, name="create"),
    path("join/<str:token>/", views.join, name="join"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/edit/", views.edit, name="edit"),
    path("<slug:slug>/members/", views.members, name="members"),
    path("<slug:slug>/members/import/", views.import_members, name="import"),
    path("<slug:slug>/members/<int:pk>/", views.membership_edit, name="membership-edit"),
    path("<slug:slug>/history/", views.history, name="history"),
    path("<slug:slug>/leave/", views.leave, name="leave"),
    path("<slug:slug>/invitations/", views.invitations, name="invitations"),
    path(
        "<slug:slug>/invitations/<int:pk>/revoke/",
        views.invitation_revoke,
        name="invitation-revoke",
    ),
]
