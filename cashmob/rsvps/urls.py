from __future__ import annotations

from django.urls import path

from cashmob.rsvps import views

app_name = "rsvps"
urlpatterns = [
    path("mine/", views.my_mobs, name="mine"),
    path("feed/revoke/", views.feed_revoke, name="feed_revoke"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("guest/<str:token>/", views.guest_confirm, name="guest_confirm"),
    path("<slug:slug>/", views.rsvp_submit, name="submit"),
    path("<slug:slug>/guest/", views.rsvp_guest, name="guest"),
    path("<slug:slug>/guest/sent/", views.rsvp_guest_sent, name="guest_sent"),
    path("<slug:slug>/pledge/", views.rsvp_pledge, name="pledge"),
    path("<slug:slug>/cancel/", views.rsvp_cancel_view, name="cancel"),
    path("<slug:slug>/calendar.ics", views.mob_ics, name="ics"),
]
