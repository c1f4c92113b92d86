from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("new/", views.event_create, name="create"),
    path("<slug:slug>/", views.event_detail, name="detail"),
    path("<slug:slug>/edit/", views.event_edit, name="edit"),
    path("<slug:slug>/publish/", views.event_publish, name="publish"),
    path("<slug:slug>/extend/", views.event_extend, name="extend"),
    path("<slug:slug>/cancel/", views.event_cancel, name="cancel"),
    path("<slug:slug>/clone/", views.event_clone, name="clone"),
    path("<slug:slug>/faq/", views.event_faq, name="faq"),
    path("<slug:slug>/faq/manage/", views.faq_manage, name="faq-manage"),
    path("<slug:slug>/faq/<int:pk>/remove/", views.faq_remove, name="faq-remove"),
    path("<slug:slug>/calendar.ics", views.event_calendar, name="calendar"),
    path("<slug:slug>/prizes/", views.event_prizes, name="prizes"),
    path("<slug:slug>/prizes/<int:pk>/remove/", views.prize_remove, name="prize-remove"),
    path("<slug:slug>/challenges/", views.event_challenges, name="challenges"),
    path(
        "<slug:slug>/challenges/<int:pk>/remove/",
        views.challenge_remove,
        name="challenge-remove",
    ),
    path("<slug:slug>/register/", views.register, name="register"),
    path(
        "<slug:slug>/register/organisation/",
        views.register_organisation,
        name="register-organisation",
    ),
    path("<slug:slug>/withdraw/", views.withdraw, name="withdraw"),
    path("<slug:slug>/registrations/", views.registrations, name="registrations"),
    path("<slug:slug>/teams/", views.teams, name="teams"),
    path("<slug:slug>/teams/<int:pk>/", views.team_detail, name="team"),
    path("<slug:slug>/teams/<int:pk>/edit/", views.team_edit, name="team-edit"),
    path("<slug:slug>/teams/<int:pk>/invite/", views.team_invite, name="team-invite"),
    path("<slug:slug>/teams/<int:pk>/request/", views.team_request, name="team-request"),
    path(
        "<slug:slug>/teams/<int:pk>/respond/<int:membership_pk>/",
        views.team_respond,
        name="team-respond",
    ),
    path("<slug:slug>/teams/<int:pk>/leave/", views.team_leave, name="team-leave"),
    path("<slug:slug>/teams/<int:pk>/challenge/", views.team_challenge, name="team-challenge"),
    path("<slug:slug>/teams/<int:pk>/proposal/", views.proposal, name="proposal"),
    path(
        "<slug:slug>/teams/<int:pk>/proposal/v<int:number>/",
        views.proposal_version,
        name="proposal-version",
    ),
    path(
        "<slug:slug>/teams/<int:pk>/attachments/<str:key>/",
        views.attachment,
        name="attachment",
    ),
    path("<slug:slug>/matching/", views.matching, name="matching"),
    path("<slug:slug>/matching/start/", views.matching_start, name="matching-start"),
]
