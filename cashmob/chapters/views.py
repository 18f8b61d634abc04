from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cashmob.chapters.selectors import access_chapter, chapter_list_active, chapter_totals
from cashmob.mobs.selectors import mob_list_public


@require_GET
def chapter_list(request: HttpRequest) -> HttpResponse:
    chapters = chapter_list_active().order_by("country", "city", "name")
    return render(request, "chapters/list.html", {"chapters": chapters})


@require_GET
def chapter_detail(request: HttpRequest, slug: str) -> HttpResponse:
    chapter = access_chapter(slug=slug)
    mobs = list(mob_list_public().filter(chapter=chapter).order_by("-starts_at")[:20])
    organisers = list(
        chapter.memberships.filter(role__in=("organiser", "co_organiser")).select_related("user")
    )
    return render(
        request,
        "chapters/detail.html",
        {
            "chapter": chapter,
            "mobs": mobs,
            "organisers": organisers,
            "totals": chapter_totals(chapter=chapter),
        },
    )
