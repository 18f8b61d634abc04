from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from cashmob.core.errors import DomainError
from cashmob.core.views import domain_error_response
from cashmob.notifications.models import Kind
from cashmob.notifications.services import guest_unsubscribe_apply, unsubscribe_apply


# Mail clients send RFC 8058 one-click POSTs without a CSRF token; the signed token in
# the address is the authorisation, and the only effect is switching emails off.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a confirmation button (links get prefetched); POST switches off."""
    if request.method == "GET":
        return render(request, "notifications/unsubscribe.html", {"token": token, "done": False})
    try:
        user, kind = unsubscribe_apply(token=token)
    except DomainError as error:
        return domain_error_response(request, error)
    return render(
        request,
        "notifications/unsubscribe.html",
        {"done": True, "kind_label": Kind(kind).label, "email": user.email},
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def guest_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """A guest (no account) stops every email about one mob; GET asks first, as above."""
    if request.method == "GET":
        return render(request, "notifications/unsubscribe.html", {"token": token, "done": False})
    try:
        rsvp = guest_unsubscribe_apply(token=token)
    except DomainError as error:
        return domain_error_response(request, error)
    return render(
        request,
        "notifications/unsubscribe.html",
        {"done": True, "guest": True, "mob_title": rsvp.mob.title, "email": rsvp.guest_email},
    )
