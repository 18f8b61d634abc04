from __future__ import annotations

from django.urls import path

from cashmob.checkin import shop_views, views

app_name = "checkin"
# The shop's fixed path comes before "<slug>/" so that no mob slug shadows it.
urlpatterns = [
    path("my-shop/", shop_views.my_shop, name="my_shop"),
    path("my-shop/<slug:slug>/", shop_views.my_shop_detail, name="my_shop_detail"),
    path(
        "my-shop/<slug:slug>/requests/<int:pk>/",
        shop_views.my_shop_request,
        name="my_shop_request",
    ),
    path("day/owner/<str:token>/", views.owner, name="owner"),
    path("day/owner/<str:token>/scan/", views.owner_scan, name="owner_scan"),
    path("day/<slug:slug>/", views.day, name="day"),
    path("day/<slug:slug>/scan/", views.scan, name="scan"),
    path("day/<slug:slug>/attendance.csv", views.attendance_csv, name="attendance_csv"),
    path("day/<slug:slug>/review/<int:report_id>/", views.review, name="review"),
    path("day/<slug:slug>/receipt/<int:report_id>/", views.receipt, name="receipt"),
    path("day/<slug:slug>/reveal/", views.reveal, name="reveal"),
    path("day/<slug:slug>/me/", views.me, name="me"),
    path("day/<slug:slug>/me/checkin/", views.me_checkin, name="me_checkin"),
    path("day/<slug:slug>/me/about/", views.me_about, name="me_about"),
    path("day/<slug:slug>/me/report/", views.me_report, name="me_report"),
    path("day/<slug:slug>/me/report/<int:report_id>/", views.me_correct, name="me_correct"),
    # A guest's own day page (no account): the same views, keyed by their private link.
    path("day/<slug:slug>/guest/<str:token>/", views.me, name="guest_me"),
    path("day/<slug:slug>/guest/<str:token>/checkin/", views.me_checkin, name="guest_checkin"),
    path("day/<slug:slug>/guest/<str:token>/about/", views.me_about, name="guest_about"),
    path("day/<slug:slug>/guest/<str:token>/report/", views.me_report, name="guest_report"),
    path("day/<slug:slug>/guest/<str:token>/cancel/", views.me_cancel, name="guest_cancel"),
    path(
        "day/<slug:slug>/guest/<str:token>/report/<int:report_id>/",
        views.me_correct,
        name="guest_correct",
    ),
    path("live/<slug:slug>/", views.tally, name="tally"),
]
