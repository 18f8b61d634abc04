from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from cashmob.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("allauth.urls")),
    path("me/", include("cashmob.accounts.urls")),
    path("chapters/", include("cashmob.chapters.urls")),
    path("shops/", include("cashmob.businesses.urls")),
    path("mobs/", include("cashmob.mobs.urls")),
    path("choose/", include("cashmob.voting.urls")),
    path("rsvp/", include("cashmob.rsvps.urls")),
    path("", include("cashmob.checkin.urls")),
    path("notifications/", include("cashmob.notifications.urls")),
    path("admin/", admin.site.urls),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
]

handler400 = "cashmob.core.views.bad_request"
handler403 = "cashmob.core.views.permission_denied"
handler404 = "cashmob.core.views.page_not_found"
handler500 = "cashmob.core.views.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
