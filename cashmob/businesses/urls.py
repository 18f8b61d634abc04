from __future__ import annotations

from django.urls import path

from cashmob.businesses import views

app_name = "businesses"
urlpatterns = [
    path("<slug:slug>/", views.business_detail, name="detail"),
]
