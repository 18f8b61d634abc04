from __future__ import annotations

from django.urls import path

from cashmob.voting import views

app_name = "voting"
urlpatterns = [
    path("votes/<int:pk>/", views.vote_detail, name="vote"),
    path("votes/<int:pk>/close/", views.vote_close, name="vote_close"),
    path("votes/<int:pk>/cancel/", views.vote_cancel, name="vote_cancel"),
    path("polls/<int:pk>/", views.poll_detail, name="poll"),
    path("polls/<int:pk>/close/", views.poll_close, name="poll_close"),
]
