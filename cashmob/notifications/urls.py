from __future__ import annotations

from django.urls import path

from cashmob.notifications import views

app_name = "notifications"
urlpatterns = [
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("unsubscribe/guest/<str:token>/", views.guest_unsubscribe, name="guest_unsubscribe"),
]
