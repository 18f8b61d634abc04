from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cashmob.businesses.models import Business
from cashmob.mobs.selectors import mob_list_public


@require_GET
def business_detail(request: HttpRequest, slug: str) -> HttpResponse:
    business = (
        Business.objects.select_related("chapter")
        .exclude(status=Business.Status.REMOVED)
        .filter(slug=slug)
        .first()
    )
    if business is None:
        raise Http404
    mobs = list(mob_list_public().filter(business=business).order_by("-starts_at"))
    return render(request, "businesses/detail.html", {"business": business, "mobs": mobs})
