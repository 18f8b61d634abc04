from __future__ import annotations

from django.urls import path

from cashmob.chapters import views

app_name = "chapters"
# The fixed paths come before "<slug>/"; chapter_request never hands out their slugs.
urlpatterns = [
    path("", views.chapter_list, name="list"),
    path("new/", views.chapter_request, name="request"),
    path("new/waiting/", views.chapter_request_done, name="request_done"),
    path("review/", views.chapter_review, name="review"),
    path("review/<int:pk>/approve/", views.chapter_review_approve, name="review_approve"),
    path("review/<int:pk>/reject/", views.chapter_review_reject, name="review_reject"),
    path("<slug:slug>/", views.chapter_detail, name="detail"),
    path("<slug:slug>/join/", views.chapter_join, name="join"),
    path("<slug:slug>/leave/", views.chapter_leave, name="leave"),
    path("<slug:slug>/follow/", views.chapter_follow, name="follow"),
    path("<slug:slug>/unfollow/", views.chapter_unfollow, name="unfollow"),
    path("<slug:slug>/members/", views.chapter_members, name="members"),
    path("<slug:slug>/settings/", views.chapter_settings, name="settings"),
]
