"""Decisions pages under /decisions/<coop>/."""

from django.urls import include, path

from . import views

app_name = "decisions"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("<slug:slug>/", views.index, name="index"),
    path("<slug:slug>/discussions/new/", views.discussion_new, name="discussion-new"),
    path("<slug:slug>/discussions/<int:pk>/", views.discussion, name="discussion"),
    path("<slug:slug>/discussions/<int:pk>/comments/", views.comment_add, name="comment-add"),
    path(
        "<slug:slug>/discussions/<int:pk>/comments/<int:comment>/attachment/",
        views.attachment,
        name="attachment",
    ),
    path("<slug:slug>/discussions/<int:pk>/polls/new/", views.poll_new, name="poll-new"),
    path("<slug:slug>/polls/<int:pk>/", views.poll, name="poll"),
    path("<slug:slug>/polls/<int:pk>/vote/", views.poll_vote, name="poll-vote"),
    path("<slug:slug>/polls/<int:pk>/open/", views.poll_open, name="poll-open"),
    path("<slug:slug>/polls/<int:pk>/close/", views.poll_close, name="poll-close"),
    path("<slug:slug>/polls/<int:pk>/cancel/", views.poll_cancel, name="poll-cancel"),
    path("<slug:slug>/polls/<int:pk>/outcome/", views.poll_outcome, name="poll-outcome"),
    path("<slug:slug>/polls/<int:pk>/results/", views.poll_results, name="poll-results"),
    path("<slug:slug>/polls/<int:pk>/minutes/", views.minutes, name="minutes"),
    path("<slug:slug>/polls/<int:pk>/receipts/", views.receipts, name="receipts"),
    path("<slug:slug>/polls/<int:pk>/receipt/", views.receipt, name="receipt"),
    path("<slug:slug>/polls/<int:pk>/receipt/sms/", views.receipt_sms, name="receipt-sms"),
    path("", include("minga.decisions.delegation.urls")),
]
