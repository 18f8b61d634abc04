from __future__ import annotations

from django.urls import path

from cashmob.mobs import views

app_name = "mobs"
urlpatterns = [
    path("<slug:slug>/", views.mob_detail, name="detail"),
]
