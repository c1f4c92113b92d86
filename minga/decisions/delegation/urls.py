"""Statutes, voting PINs, proxies, agents and paper counts; included by `urls.py`."""

from django.urls import path

from . import views

urlpatterns = [
    path("me/voting-pin/", views.pin_edit, name="pin"),
    path("<slug:slug>/statutes/", views.statutes_edit, name="statutes"),
    path("<slug:slug>/agents/", views.agent_list, name="agents"),
    path("<slug:slug>/agents/<int:agent_pk>/remove/", views.agent_remove, name="agent-remove"),
    path("<slug:slug>/polls/<int:pk>/proxy/", views.proxy_manage, name="proxy"),
    path(
        "<slug:slug>/polls/<int:pk>/proxy/<int:proxy_pk>/confirm/",
        views.proxy_confirm,
        name="proxy-confirm",
    ),
    path(
        "<slug:slug>/polls/<int:pk>/proxy/<int:proxy_pk>/revoke/",
        views.proxy_revoke,
        name="proxy-revoke",
    ),
    path(
        "<slug:slug>/polls/<int:pk>/proxy/<int:proxy_pk>/vote/",
        views.proxy_vote,
        name="proxy-vote",
    ),
    path("<slug:slug>/polls/<int:pk>/agent-vote/", views.agent_vote, name="agent-vote"),
    path("<slug:slug>/polls/<int:pk>/paper/", views.paper_list, name="paper-counts"),
    path(
        "<slug:slug>/polls/<int:pk>/paper/<int:paper_pk>/",
        views.paper_detail,
        name="paper-count",
    ),
]
