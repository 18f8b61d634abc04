from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cashmob.mobs.selectors import access_mob


@require_GET
def mob_detail(request: HttpRequest, slug: str) -> HttpResponse:
    mob = access_mob(slug=slug, user=request.user)
    now = timezone.now()
    return render(
        request,
        "mobs/detail.html",
        {"mob": mob, "chapter": mob.chapter, "secret": mob.is_secret_at(now), "now": now},
    )
