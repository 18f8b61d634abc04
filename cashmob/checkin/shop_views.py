"""'My shop': a signed-in owner finds its shops' requests, mobs and day pages here, with
no need for the emailed links (which keep working for shops without an account)."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from cashmob.accounts.models import User
from cashmob.checkin.shop_area import (
    access_owned_business,
    access_owned_consent_request,
    business_list_owned,
    shop_area_get,
)
from cashmob.core.views import domain_error_response
from cashmob.mobs.consent import consent_require_current
from cashmob.mobs.exceptions import ConsentLinkError
from cashmob.mobs.views import consent_answer_page


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def my_shop(request: HttpRequest) -> HttpResponse:
    """The owner's shops; one shop opens straight away."""
    shops = list(business_list_owned(user=cast("User", request.user)))
    if len(shops) == 1:
        return redirect("checkin:my_shop_detail", slug=shops[0].slug)
    return _private(render(request, "checkin/my_shop_list.html", {"shops": shops}))


@login_required
@require_GET
def my_shop_detail(request: HttpRequest, slug: str) -> HttpResponse:
    business = access_owned_business(user=cast("User", request.user), slug=slug)
    area = shop_area_get(business=business, page=request.GET.get("page"))
    many = business_list_owned(user=cast("User", request.user)).count() > 1
    return _private(
        render(request, "checkin/my_shop.html", {"area": area, "business": business, "many": many})
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_shop_request(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Answer a request from 'My shop': the emailed link's page and service."""
    consent = access_owned_consent_request(user=cast("User", request.user), slug=slug, pk=pk)
    try:
        consent_require_current(consent)
    except ConsentLinkError as error:
        return domain_error_response(request, error)
    back = reverse("checkin:my_shop_detail", kwargs={"slug": slug})
    response = consent_answer_page(request, consent, done_url=request.path, back_url=back)
    return _private(response)
