from __future__ import annotations

from django.urls import path

from cashmob.businesses import views

app_name = "businesses"
urlpatterns = [
    path("", views.business_search, name="search"),
    path("map/", views.business_map, name="map"),
    path("map.json", views.business_map_data, name="map_data"),
    path("nominate/", views.business_nominate_start, name="nominate_start"),
    path("nominate/<slug:chapter_slug>/", views.business_nominate, name="nominate"),
    path("claim/<str:token>/", views.business_claim, name="claim"),
    path("<slug:slug>/", views.business_detail, name="detail"),
    path("<slug:slug>/edit/", views.business_edit, name="edit"),
    path("<slug:slug>/follow/", views.business_follow, name="follow"),
    path("<slug:slug>/claim/", views.business_claim_request, name="claim_request"),
    path("<slug:slug>/exclude/", views.business_exclude, name="exclude"),
]
