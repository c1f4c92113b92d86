from django.urls import path

from . import circularisation_urls, members_urls, payment_views, reconciliation_urls, views

app_name = "treasury"

urlpatterns = [
    path("<slug:slug>/", views.home, name="home"),
    path("<slug:slug>/setup/", views.setup, name="setup"),
    path("<slug:slug>/accounts/", views.accounts, name="accounts"),
    path("<slug:slug>/entries/", views.entries, name="entries"),
    path("<slug:slug>/entries/new/", views.entry_new, name="entry-new"),
    path("<slug:slug>/entries/<int:pk>/", views.entry_detail, name="entry-detail"),
    path("<slug:slug>/entries/<int:pk>/reverse/", views.entry_reverse, name="entry-reverse"),
    path("<slug:slug>/periods/", views.periods, name="periods"),
    path("<slug:slug>/periods/<int:pk>/close/", views.period_close, name="period-close"),
    path("<slug:slug>/periods/<int:pk>/reopen/", views.period_reopen, name="period-reopen"),
    path("<slug:slug>/years/open/", views.year_open, name="year-open"),
    path("<slug:slug>/years/<int:pk>/close/", views.year_close, name="year-close"),
    path("<slug:slug>/years/<int:pk>/agm-pack.pdf", views.agm_pack, name="agm-pack"),
    path("<slug:slug>/reports/<slug:kind>/", views.report, name="report"),
    path("<slug:slug>/members/", views.members, name="members"),
    path("<slug:slug>/me/", views.my_statement, name="my-statement"),
    path("<slug:slug>/me/pay/", payment_views.pay, name="payments"),
    path(
        "<slug:slug>/mobile-money/exceptions/",
        payment_views.payment_exceptions,
        name="payment-exceptions",
    ),
    path("<slug:slug>/mobile-money/reconcile/", payment_views.reconcile, name="reconcile"),
    path("<slug:slug>/members/<str:ref>/", views.member_statement, name="member-statement"),
    path("<slug:slug>/members/<str:ref>/post/", views.member_operation, name="member-operation"),
    path("<slug:slug>/members/<str:ref>/transfer/", views.member_transfer, name="member-transfer"),
    path(
        "<slug:slug>/members/<str:ref>/patronage/", views.member_patronage, name="member-patronage"
    ),
]
# Members' side: statements with disputes, approvals, confirmations, allocations.
urlpatterns += members_urls.urlpatterns
urlpatterns += circularisation_urls.urlpatterns
urlpatterns += reconciliation_urls.urlpatterns
