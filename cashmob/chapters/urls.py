from __future__ import annotations

from django.urls import path

from cashmob.chapters import views

app_name = "chapters"
urlpatterns = [
    path("", views.chapter_list, name="list"),
    path("<slug:slug>/", views.chapter_detail, name="detail"),
]
