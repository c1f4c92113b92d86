from django.urls import path

from . import profile_views, reissue_views, verify_views, views

app_name = "credentials"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("issuers/<slug:slug>/", views.achievement_list, name="achievements"),
    path(
        "issuers/<slug:slug>/achievements/new/", views.achievement_create, name="achievement-create"
    ),
    path("achievements/<uuid:uuid>/", views.achievement_detail, name="achievement"),
    path("achievements/<uuid:uuid>/image", views.achievement_image, name="achievement-image"),
    path("achievements/<uuid:uuid>/edit/", views.achievement_edit, name="achievement-edit"),
    path("achievements/<uuid:uuid>/issue/", views.achievement_issue, name="achievement-issue"),
    path(
        "status/<slug:slug>/<str:purpose>/<int:number>",
        views.status_list,
        name="status-list",
    ),
    path("verify/", verify_views.verify, name="verify"),
    path("issuers/<slug:slug>/reissue/", reissue_views.reissue_list, name="reissue-list"),
    # A credential's id is this URL, without a trailing slash.
    path("<uuid:uuid>", views.credential_detail, name="detail"),
    path("<uuid:uuid>.json", views.credential_json, name="json"),
    path("<uuid:uuid>/print/", views.credential_print, name="print"),
    path("<uuid:uuid>/certificate.pdf", views.credential_pdf, name="pdf"),
    path("<uuid:uuid>/<str:change>/", views.credential_status, name="status"),
]

# Public profiles. Trainings are served under /credentials/trainings/ by their own app.
urlpatterns += [
    path("people/<int:pk>/", profile_views.person_profile, name="person"),
    path(
        "people/<int:pk>/reputation.json",
        profile_views.person_reputation,
        name="person-reputation",
    ),
    path("coops/<slug:slug>/", profile_views.coop_profile, name="coop"),
    path(
        "coops/<slug:slug>/reputation.json",
        profile_views.coop_reputation,
        name="coop-reputation",
    ),
]
