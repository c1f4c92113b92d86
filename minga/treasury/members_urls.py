"""The members' side of the treasury's pages (added to `treasury:` by `urls`)."""

from django.urls import path

from . import members_views as views

urlpatterns = [
    path("<slug:slug>/my-account/", views.statement, name="statement"),
    path("<slug:slug>/my-account/dispute/", views.dispute_new, name="dispute-new"),
    path("<slug:slug>/my-account/witness/", views.witness, name="witness"),
    path("<slug:slug>/disputes/", views.disputes, name="disputes"),
    path("<slug:slug>/disputes/<int:pk>/answer/", views.dispute_answer, name="dispute-answer"),
    path("<slug:slug>/approvals/", views.approval_list, name="approvals"),
    path("<slug:slug>/approvals/new/", views.approval_new, name="approval-new"),
    path("<slug:slug>/approvals/<int:pk>/check/", views.approval_check, name="approval-check"),
    path("confirm/<int:pk>/", views.confirmation, name="confirmation"),
    path("<slug:slug>/allocations/", views.allocation_list, name="allocations"),
    path("<slug:slug>/allocations/new/", views.allocation_new, name="allocation-new"),
    path("<slug:slug>/allocations/<int:pk>/", views.allocation_detail, name="allocation"),
    path("<slug:slug>/allocations/<int:pk>/vote/", views.allocation_vote, name="allocation-vote"),
    path("<slug:slug>/allocations/<int:pk>/post/", views.allocation_post, name="allocation-post"),
]
