from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cashmob.accounts.models import User
from cashmob.chapters.models import Chapter
from cashmob.checkin.guests import guest_day_url
from cashmob.core.errors import DomainError
from cashmob.core.forms import form_add_error
from cashmob.core.languages import page_language_activate
from cashmob.core.views import domain_error_response
from cashmob.mobs.selectors import access_mob
from cashmob.rsvps.calendar import CONTENT_TYPE, calendar_bytes
from cashmob.rsvps.forms import GuestRsvpForm, PledgeForm
from cashmob.rsvps.models import CalendarFeed, RsvpStatus
from cashmob.rsvps.selectors import (
    calendar_feed_mobs,
    rsvp_list_for_user,
    rsvp_of,
    waiting_positions,
)
from cashmob.rsvps.services import (
    calendar_feed_get_or_create,
    calendar_feed_revoke,
    guest_check,
    rsvp_cancel,
    rsvp_change_pledge,
    rsvp_confirm_guest,
    rsvp_create,
    rsvp_create_guest,
)


def _form_error_page(request: HttpRequest, mob, form, error: DomainError | None = None):
    if error is not None:
        form_add_error(form, error)
    status = error.status if error is not None else 400
    return render(request, "rsvps/form_page.html", {"mob": mob, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
def rsvp_submit(request: HttpRequest, slug: str) -> HttpResponse:
    """A member's RSVP with a pledge; anonymous visitors use the guest form."""
    mob = access_mob(slug=slug, user=request.user)
    if request.method == "GET":
        # The address of a failed form post, reloaded: show the mob's RSVP box.
        return redirect(mob.get_absolute_url() + "#rsvp")
    if not request.user.is_authenticated:
        return redirect("rsvps:guest", slug=mob.slug)
    form = PledgeForm(request.POST, mob=mob)
    if not form.is_valid():
        return _form_error_page(request, mob, form)
    try:
        rsvp = rsvp_create(
            mob=mob,
            user=request.user,
            pledge_minor=form.cleaned_data["pledge"],
            currency=form.cleaned_data["currency"],
        )
    except DomainError as error:
        return _form_error_page(request, mob, form, error)
    if rsvp.status == RsvpStatus.CONFIRMED:
        messages.success(
            request, _("You're going! We emailed you the details and a calendar file.")
        )
    else:
        messages.info(
            request,
            _("The mob is full: you're on the waiting list. We'll email you if a place frees up."),
        )
    return redirect(mob.get_absolute_url() + "#rsvp")


@require_http_methods(["GET", "POST"])
def rsvp_guest(request: HttpRequest, slug: str) -> HttpResponse:
    mob = access_mob(slug=slug, user=request.user)
    form = GuestRsvpForm(request.POST or None, mob=mob)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                rsvp_create_guest(
                    mob=mob,
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    pledge_minor=form.cleaned_data["pledge"],
                    currency=form.cleaned_data["currency"],
                    language=request.LANGUAGE_CODE,
                )
            except DomainError as error:
                form_add_error(form, error)
                status = error.status
            else:
                # Post/redirect/get: reloading the next page sends nothing again.
                return redirect("rsvps:guest_sent", slug=mob.slug)
        else:
            status = 400
    return render(request, "rsvps/guest.html", {"mob": mob, "form": form}, status=status)


@require_GET
def rsvp_guest_sent(request: HttpRequest, slug: str) -> HttpResponse:
    """Where a guest lands after asking for a place: the link to confirm is in their email."""
    mob = access_mob(slug=slug, user=request.user)
    return render(request, "rsvps/guest_sent.html", {"mob": mob})


@require_http_methods(["GET", "POST"])
def guest_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners prefetch links); POST confirms, once."""
    try:
        rsvp = guest_check(token=token)
    except DomainError as error:
        return domain_error_response(request, error)
    # The page speaks the language of the email whose link led here.
    page_language_activate(request, rsvp.guest_email_language)
    if request.method == "POST":
        try:
            rsvp_confirm_guest(token=token)
        except DomainError as error:
            return domain_error_response(request, error)
        # Post/redirect/get: the page that says "you're going" can be reloaded freely.
        return redirect("rsvps:guest_confirm", token=token)
    going = rsvp.status in (RsvpStatus.CONFIRMED, RsvpStatus.WAITING)
    context = {"rsvp": rsvp, "mob": rsvp.mob, "day_url": guest_day_url(rsvp) if going else ""}
    return render(request, "rsvps/guest_confirm.html", context)


@login_required
@require_POST
def rsvp_pledge(request: HttpRequest, slug: str) -> HttpResponse:
    mob = access_mob(slug=slug, user=request.user)
    rsvp = rsvp_of(mob=mob, user=request.user)  # type: ignore[arg-type]
    if rsvp is None:
        raise Http404
    form = PledgeForm(request.POST, mob=mob)
    if not form.is_valid():
        return _form_error_page(request, mob, form)
    try:
        rsvp_change_pledge(
            rsvp=rsvp,
            actor=request.user,  # type: ignore[arg-type]
            pledge_minor=form.cleaned_data["pledge"],
            currency=form.cleaned_data["currency"],
        )
    except DomainError as error:
        return _form_error_page(request, mob, form, error)
    messages.success(request, _("Your pledge is updated."))
    return redirect(mob.get_absolute_url() + "#rsvp")


@login_required
@require_POST
def rsvp_cancel_view(request: HttpRequest, slug: str) -> HttpResponse:
    mob = access_mob(slug=slug, user=request.user)
    rsvp = rsvp_of(mob=mob, user=request.user)  # type: ignore[arg-type]
    if rsvp is None:
        raise Http404
    try:
        rsvp_cancel(rsvp=rsvp, actor=request.user)  # type: ignore[arg-type]
    except DomainError as error:
        return domain_error_response(request, error)
    messages.success(request, _("Your RSVP is cancelled. Thanks for letting us know."))
    return redirect(mob.get_absolute_url())


@require_GET
def mob_ics(request: HttpRequest, slug: str) -> HttpResponse:
    mob = access_mob(slug=slug, user=request.user)
    if mob.starts_at is None:
        raise Http404
    response = HttpResponse(
        calendar_bytes([mob], name=mob.public_title()), content_type=CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{mob.slug}.ics"'
    return response


#: Past mobs per page of "My mobs" (a regular's list grows by a mob or two a month).
MY_PAST_PER_PAGE = 20


@login_required
@require_GET
def my_mobs(request: HttpRequest) -> HttpResponse:
    upcoming, past = rsvp_list_for_user(user=request.user)  # type: ignore[arg-type]
    past_page = Paginator(past, MY_PAST_PER_PAGE).get_page(request.GET.get("page"))
    feed = calendar_feed_get_or_create(user=request.user)  # type: ignore[arg-type]
    user = cast("User", request.user)  # login_required
    chapters = Chapter.objects.filter(memberships__user=user).order_by("name")
    chapter_feeds = [
        (chapter, calendar_feed_get_or_create(user=request.user, chapter=chapter))  # type: ignore[arg-type]
        for chapter in chapters
    ]
    return render(
        request,
        "rsvps/my_mobs.html",
        {
            "upcoming": upcoming,
            "past": past_page,
            "positions": waiting_positions(rsvps=upcoming),
            "feed": feed,
            "feed_url": request.build_absolute_uri(reverse("rsvps:feed", args=[feed.token])),
            "chapter_feeds": [
                (c, request.build_absolute_uri(reverse("rsvps:feed", args=[f.token])))
                for c, f in chapter_feeds
            ],
        },
    )


@login_required
@require_POST
def feed_revoke(request: HttpRequest) -> HttpResponse:
    chapter = None
    if slug := request.POST.get("chapter"):
        chapter = get_object_or_404(Chapter, slug=slug)
    try:
        calendar_feed_revoke(user=request.user, chapter=chapter)  # type: ignore[arg-type]
    except DomainError as error:
        return domain_error_response(request, error)
    messages.success(
        request, _("Your old calendar address no longer works. Subscribe with the new one.")
    )
    return redirect("rsvps:mine")


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """A private calendar feed; only the holder of the unrevoked token can read it."""
    subscription = (
        CalendarFeed.objects.select_related("chapter")
        .filter(token=token, revoked_at__isnull=True)
        .first()
    )
    if subscription is None:
        raise Http404
    name = subscription.chapter.name if subscription.chapter else _("My cash mobs")
    response = HttpResponse(
        calendar_bytes(calendar_feed_mobs(feed=subscription), name=str(name)),
        content_type=CONTENT_TYPE,
    )
    response["Cache-Control"] = "private, max-age=900"
    return response
