from __future__ import annotations

from django.db import connection
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from cashmob.chapters.selectors import chapter_list_near
from cashmob.core.errors import DomainError
from cashmob.core.visitor import whereabouts_from_request
from cashmob.mobs.selectors import mob_list_live, mob_list_recent_results, mob_list_upcoming

#: Chapters listed on the home page, nearest the visitor first.
HOME_CHAPTERS = 8


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Mobs happening now, then those near the visitor, results, and chapters nearest first.

    "Near" follows what the request says of the visitor (:mod:`cashmob.core.visitor`):
    a position they shared, their home chapter, their time zone and language.
    """
    home_chapter_id = request.user.home_chapter_id if request.user.is_authenticated else None
    nearby = chapter_list_near(
        whereabouts=whereabouts_from_request(request), home_chapter_id=home_chapter_id
    )
    near_ids = {chapter.pk for chapter in nearby.near}
    upcoming = mob_list_upcoming(chapter_ids=nearby.ids)
    context = {
        "nearby": nearby,
        "suggested": nearby.suggested,
        "live_mobs": mob_list_live(chapter_ids=nearby.ids),
        "upcoming": upcoming,
        "upcoming_near": [mob for mob in upcoming if mob.chapter_id in near_ids],
        "upcoming_elsewhere": [mob for mob in upcoming if mob.chapter_id not in near_ids],
        "results": mob_list_recent_results(),
        "chapters": nearby.chapters[:HOME_CHAPTERS],
    }
    return render(request, "core/home.html", context)


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says; point them at the real one."""
    from django.templatetags.static import static

    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


def domain_error_response(request: HttpRequest, error: DomainError) -> HttpResponse:
    """The one place a domain error becomes an HTML page."""
    return render(
        request,
        "core/domain_error.html",
        {"error": error},
        status=error.status,
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its security token (an old page, cookies off): in the site's
    look, with a way back to the page the form was on, rather than Django's bare page."""
    referer = request.META.get("HTTP_REFERER", "")
    safe = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return render(request, "403_csrf.html", {"back": referer if safe else ""}, status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Standalone like the 500 page: the request may carry a host name this site refuses.
    return HttpResponseBadRequest(render_to_string("400.html"))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors that touch the database: the error may be the database.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render({}), status=500)
