from __future__ import annotations

from django.urls import path

from cashmob.mobs import views

app_name = "mobs"
# Fixed paths come before "<slug>/": a mob's slug could otherwise shadow them.
urlpatterns = [
    path("consent/<str:token>/", views.consent_page, name="consent"),
    path("plan/<slug:chapter_slug>/", views.mob_plan, name="plan"),
    path("<slug:slug>/", views.mob_detail, name="detail"),
    path("<slug:slug>/dashboard/", views.mob_dashboard, name="dashboard"),
    path(
        "<slug:slug>/dashboard/<slug:action>/",
        views.mob_dashboard_action,
        name="dashboard_action",
    ),
]
