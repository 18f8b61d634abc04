"""Pages of the day: a participant's check-in and reports, the organiser's day view and
scanner, the shop's private till-total page, and the public live tally."""

from __future__ import annotations

import csv
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cashmob.businesses.selectors import business_language
from cashmob.checkin import codes, selectors, services
from cashmob.checkin.forms import (
    AboutForm,
    CorrectForm,
    MobCodeForm,
    OwnerConfirmForm,
    ReviewForm,
    ScanForm,
    SpendReportForm,
    WalkInForm,
)
from cashmob.checkin.guests import access_guest_rsvp
from cashmob.checkin.models import SpendReport
from cashmob.checkin.owner import owner_access
from cashmob.core import dates
from cashmob.core.errors import DomainError
from cashmob.core.forms import form_add_error
from cashmob.core.languages import page_language_activate
from cashmob.core.views import domain_error_response
from cashmob.live import config as live_config
from cashmob.mobs.selectors import access_mob, access_mob_for_organisers
from cashmob.mobs.services import mob_reveal
from cashmob.rsvps.services import rsvp_cancel

if TYPE_CHECKING:
    from django import forms

    from cashmob.accounts.models import User
    from cashmob.mobs.models import ConsentRequest, Mob
    from cashmob.rsvps.models import Rsvp


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _private[R: HttpResponseBase](response: R) -> R:
    response["Cache-Control"] = "private, no-store"
    return response


# --- A participant's day ----------------------------------------------------------------------
# Members reach their day at /day/<slug>/me/ (logged in); guests, who said yes without an
# account, at /day/<slug>/guest/<token>/ from their emails. One set of handlers serves both.


@dataclass(frozen=True)
class Me:
    """Who acts on their own day page, and where its forms post."""

    user: User | None  # None for a guest
    guest: Rsvp | None
    base: str  # the page's own path; the forms post below it

    def url(self, action: str = "", report_id: int | None = None) -> str:
        tail = f"{action}/" if action else ""
        return self.base + tail + (f"{report_id}/" if report_id is not None else "")


def _member(request: HttpRequest, slug: str) -> tuple[Mob, Me] | HttpResponse:
    if not request.user.is_authenticated:
        if request.method == "GET":
            # Guests have no account to log in with: tell them where their own page is.
            mob = access_mob(slug=slug, user=None)
            login = f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}"
            context = {"mob": mob, "chapter": mob.chapter, "login_url": login}
            return render(request, "checkin/me_anonymous.html", context)
        return redirect_to_login(request.get_full_path())
    mob = access_mob(slug=slug, user=request.user)
    base = reverse("checkin:me", kwargs={"slug": mob.slug})
    return mob, Me(user=request.user, guest=None, base=base)


def _guest(request: HttpRequest, slug: str, token: str) -> tuple[Mob, Me] | HttpResponse:
    try:
        rsvp = access_guest_rsvp(slug=slug, token=token)
    except DomainError as error:
        if error.code == "guest_has_account":
            messages.info(request, str(error.message))
            return redirect("checkin:me", slug=slug)
        return domain_error_response(request, error)
    # The page speaks the language of the email whose link led here.
    page_language_activate(request, rsvp.guest_email_language)
    base = reverse("checkin:guest_me", kwargs={"slug": slug, "token": token})
    return rsvp.mob, Me(user=None, guest=rsvp, base=base)


def _render_me(
    request: HttpRequest, mob: Mob, me: Me, *, status: int = 200, **forms_: Any
) -> HttpResponse:
    my = selectors.my_day_get(mob=mob, user=me.user, guest=me.guest)
    now = timezone.now()
    window = services.report_window_open(mob, now)
    context = {
        "mob": mob,
        "chapter": mob.chapter,
        "my": my,
        "me": me,
        "actions": {name: me.url(name) for name in ("checkin", "about", "report", "cancel")},
        "correct_urls": {r.pk: me.url("report", r.pk) for r in my.reports},
        "report_open": window,
        "checkin_window": services.checkin_window_state(mob, now),
        "code_form": forms_.get("code_form") or MobCodeForm(),
        "about_form": forms_.get("about_form")
        or AboutForm(
            initial={
                "first_time": _yes_no(my.checkin.first_time) if my.checkin else "",
                "met_count": my.checkin.met_count if my.checkin else None,
            }
        ),
        "report_form": forms_.get("report_form") or SpendReportForm(currency=mob.currency),
        "correct_forms": {
            r.pk: (
                forms_["correct_form"]
                if forms_.get("correct_id") == r.pk
                else CorrectForm(
                    report_id=r.pk, initial={"amount": r.amount.as_typed, "currency": r.currency}
                )
            )
            for r in my.reports
        },
        "qr": codes.qr_svg(codes.personal_qr_payload(mob, my.rsvp)) if my.rsvp else "",
        "personal_code": codes.personal_code(my.rsvp) if my.rsvp else "",
    }
    response = _private(render(request, "checkin/me.html", context, status=status))
    if me.guest is not None:
        # The link is the guest's key: keep it out of search engines (the site's referrer
        # policy already keeps it out of other sites' logs).
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _checkin(request: HttpRequest, mob: Mob, me: Me) -> HttpResponse:
    form = MobCodeForm(request.POST)
    if not form.is_valid():
        return _render_me(request, mob, me, status=400, code_form=form)
    try:
        result = services.checkin_record(
            mob=mob, actor=me.user, guest=me.guest, code=form.cleaned_data["code"]
        )
    except DomainError as error:
        form_add_error(form, error)
        return _render_me(request, mob, me, status=error.status, code_form=form)
    if result.created:
        messages.success(request, _("You are checked in. Welcome!"))
    else:
        messages.info(request, _("You were already checked in: nothing changed."))
    return redirect(me.url())


def _about(request: HttpRequest, mob: Mob, me: Me) -> HttpResponse:
    form = AboutForm(request.POST)
    checkin = selectors.my_checkin(mob=mob, user=me.user, guest=me.guest)
    if checkin is None:
        return redirect(me.url())
    if not form.is_valid():
        return _render_me(request, mob, me, status=400, about_form=form)
    services.checkin_answer(
        checkin=checkin,
        actor=me.user,
        guest=me.guest,
        first_time=form.cleaned_data["first_time"],
        met_count=form.cleaned_data["met_count"],
    )
    messages.success(request, _("Thank you for telling us."))
    return redirect(me.url())


def _report(request: HttpRequest, mob: Mob, me: Me) -> HttpResponse:
    form = SpendReportForm(request.POST, request.FILES, currency=mob.currency)
    if not form.is_valid():
        return _render_me(request, mob, me, status=400, report_form=form)
    try:
        report, created = services.spend_report_submit(
            mob=mob,
            actor=me.user,
            guest=me.guest,
            amount=form.cleaned_data["amount"],
            currency=form.cleaned_data["currency"],
            idempotency_key=form.cleaned_data["idempotency_key"],
            receipt=form.cleaned_data.get("receipt"),
        )
    except DomainError as error:
        form_add_error(form, error)
        return _render_me(request, mob, me, status=error.status, report_form=form)
    if not created:
        messages.info(request, _("This report was already received: it counts once."))
    elif report.status == SpendReport.Status.HELD:
        messages.warning(
            request,
            _("Thank you. This amount is above the chapter's cap: an organiser checks it first."),
        )
    else:
        messages.success(request, _("Thank you: your spend is on the tally."))
    return redirect(me.url())


def _correct(request: HttpRequest, mob: Mob, me: Me, report_id: int) -> HttpResponse:
    report = selectors.spend_report_of(report_id=report_id, user=me.user, guest=me.guest)
    form = CorrectForm(request.POST, report_id=report.pk)
    if not form.is_valid():
        return _render_me(request, mob, me, status=400, correct_form=form, correct_id=report.pk)
    try:
        services.spend_report_correct(
            report=report,
            actor=me.user,
            guest=me.guest,
            amount=form.cleaned_data["amount"],
            currency=form.cleaned_data["currency"],
        )
    except DomainError as error:
        form_add_error(form, error)
        return _render_me(
            request, mob, me, status=error.status, correct_form=form, correct_id=report.pk
        )
    messages.success(request, _("Your report is corrected."))
    return redirect(me.url())


def _cancel(request: HttpRequest, mob: Mob, me: Me) -> HttpResponse:
    """A guest withdraws their yes (members do it from the mob page)."""
    if me.guest is None:
        raise Http404
    try:
        rsvp_cancel(rsvp=me.guest, actor=None)
    except DomainError as error:
        return domain_error_response(request, error)
    messages.success(request, _("Your RSVP is cancelled. Thank you for letting us know."))
    return redirect(mob.get_absolute_url())


def _day_view(handler: Callable[..., HttpResponse], *, post: bool) -> Callable[..., HttpResponse]:
    """One participant's page or action: a member's (``/me/``, logged in), or a guest's
    when the address carries their private key (``/guest/<token>/``)."""

    @functools.wraps(handler)
    def view(
        request: HttpRequest, slug: str, token: str | None = None, **kwargs: Any
    ) -> HttpResponse:
        found = _member(request, slug) if token is None else _guest(request, slug, token)
        return found if isinstance(found, HttpResponse) else handler(request, *found, **kwargs)

    return (require_POST if post else require_GET)(view)


me = _day_view(_render_me, post=False)
me_checkin = _day_view(_checkin, post=True)
me_about = _day_view(_about, post=True)
me_report = _day_view(_report, post=True)
me_correct = _day_view(_correct, post=True)
me_cancel = _day_view(_cancel, post=True)


# --- Scanning: organisers, or the shop through its private link --------------------------------


def _scan(
    request: HttpRequest,
    mob: Mob,
    *,
    by_shop: bool,
    action: str,
    back: str,
) -> HttpResponse:
    scan_form = ScanForm(initial={"code": request.GET.get("code", "")[:300]})
    walk_in_form = WalkInForm()
    status = 200
    if request.method == "POST":
        is_walk_in = "walk_in_name" in request.POST
        form: forms.Form = WalkInForm(request.POST) if is_walk_in else ScanForm(request.POST)
        if is_walk_in:
            walk_in_form = form  # type: ignore[assignment]
        else:
            scan_form = form  # type: ignore[assignment]
        status = 400
        if form.is_valid():
            try:
                result = services.checkin_record(
                    mob=mob,
                    actor=request.user,  # type: ignore[arg-type]
                    code=form.cleaned_data.get("code", ""),
                    walk_in_name=form.cleaned_data.get("walk_in_name", ""),
                    walk_in_key=form.cleaned_data.get("key"),
                    by_shop=by_shop,
                )
            except DomainError as error:
                form_add_error(form, error)
                status = error.status
            else:
                name = result.checkin.display_name
                if result.created:
                    messages.success(request, _("%(name)s is checked in.") % {"name": name})
                else:
                    messages.info(
                        request,
                        _("%(name)s was already checked in: nothing changed.") % {"name": name},
                    )
                return redirect(action)
    response = render(
        request,
        "checkin/scan.html",
        {
            "mob": mob,
            "chapter": mob.chapter,
            "scan_form": scan_form,
            "walk_in_form": walk_in_form,
            "action": action,
            "back": back,
        },
        status=status,
    )
    return _private(response)


def _organiser_mob(request: HttpRequest, slug: str) -> Mob | HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return access_mob_for_organisers(slug=slug, user=request.user)


@require_http_methods(["GET", "POST"])
def scan(request: HttpRequest, slug: str) -> HttpResponse:
    mob = _organiser_mob(request, slug)
    if isinstance(mob, HttpResponse):
        return mob
    return _scan(
        request,
        mob,
        by_shop=False,
        action=request.path,
        back=reverse("checkin:day", kwargs={"slug": mob.slug}),
    )


# --- The organiser's day view ------------------------------------------------------------------


@require_GET
def day(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisers' day view; anyone else signed in is taken to their own day page
    (the address people share is this one)."""
    try:
        mob = _organiser_mob(request, slug)
    except PermissionDenied:
        return redirect("checkin:me", slug=slug)
    if isinstance(mob, HttpResponse):
        return mob
    view = selectors.day_view_get(mob=mob, query=request.GET.get("q", ""))
    now = timezone.now()
    response = render(
        request,
        "checkin/day.html",
        {
            "mob": mob,
            "chapter": mob.chapter,
            "view": view,
            "mob_code": codes.mob_code(mob),
            "secret": mob.is_secret_at(now),
            "walk_in_form": WalkInForm(),
            "scan_form": ScanForm(),
        },
    )
    return _private(response)


@require_GET
def receipt(request: HttpRequest, slug: str, report_id: int) -> HttpResponseBase:
    """A receipt photo, for the mob's organisers only: receipts are never public files."""
    mob = _organiser_mob(request, slug)
    if isinstance(mob, HttpResponse):
        return mob
    report = SpendReport.objects.filter(pk=report_id, mob=mob).exclude(receipt="").first()
    if report is None:
        raise Http404
    response = FileResponse(report.receipt.open("rb"), content_type="image/jpeg")
    return _private(response)


@require_POST
def review(request: HttpRequest, slug: str, report_id: int) -> HttpResponse:
    mob = _organiser_mob(request, slug)
    if isinstance(mob, HttpResponse):
        return mob
    form = ReviewForm(request.POST)
    report = SpendReport.objects.filter(pk=report_id, mob=mob).first()
    if report is None or not form.is_valid():
        messages.error(request, _("Choose whether to count the report or reject it."))
        return redirect("checkin:day", slug=mob.slug)
    try:
        services.spend_report_review(
            report=report,
            actor=request.user,  # type: ignore[arg-type]
            approve=form.cleaned_data["decision"] == "approve",
        )
    except DomainError as error:
        return domain_error_response(request, error)
    messages.success(request, _("Report reviewed."))
    return redirect("checkin:day", slug=mob.slug)


@require_POST
def reveal(request: HttpRequest, slug: str) -> HttpResponse:
    mob = _organiser_mob(request, slug)
    if isinstance(mob, HttpResponse):
        return mob
    try:
        mob_reveal(mob=mob, actor=request.user)  # type: ignore[arg-type]
    except DomainError as error:
        return domain_error_response(request, error)
    messages.success(request, _("The shop is revealed to everyone."))
    return redirect("checkin:day", slug=mob.slug)


def _csv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A cell starting with these is a formula in spreadsheet programs.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@require_GET
def attendance_csv(request: HttpRequest, slug: str) -> HttpResponse:
    mob = _organiser_mob(request, slug)
    if isinstance(mob, HttpResponse):
        return mob
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="attendance-{mob.slug}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Checked in at"),
            _("Name"),
            _("How"),
            _("Had RSVPed"),
            _("First time in this shop"),
            _("New people met"),
        ]
    )
    yes, no = _("yes"), _("no")
    for checkin in selectors.checkin_list(mob=mob).order_by("at", "id").iterator(chunk_size=500):
        writer.writerow(
            [
                _csv_cell(dates.format_sortable(checkin.at, mob.chapter.time_zone)),
                _csv_cell(checkin.display_name),
                _csv_cell(checkin.get_method_display()),
                yes if checkin.rsvp_id else no,
                {True: yes, False: no}.get(checkin.first_time, ""),  # type: ignore[arg-type]
                "" if checkin.met_count is None else checkin.met_count,
            ]
        )
    return _private(response)


# --- The shop's private page -------------------------------------------------------------------


def _owner(request: HttpRequest, token: str) -> ConsentRequest:
    consent = owner_access(token=token)
    # The page speaks the language of the shop's emails, whose link led here.
    page_language_activate(request, business_language(consent.business))
    return consent


@require_http_methods(["GET", "POST"])
def owner(request: HttpRequest, token: str) -> HttpResponse:
    """The shop's day page, reached through the same private link as its consent page."""
    try:
        consent = _owner(request, token)
    except DomainError as error:
        return domain_error_response(request, error)
    mob = consent.mob
    confirmation = getattr(mob, "owner_confirmation", None)
    form = OwnerConfirmForm(
        request.POST if request.method == "POST" else None,
        initial={
            "total": confirmation.total.as_typed if confirmation else "",
            "transaction_count": confirmation.transaction_count if confirmation else None,
        },
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.owner_confirm_total(
                    consent_request=consent,
                    total=form.cleaned_data["total"],
                    transaction_count=form.cleaned_data["transaction_count"],
                )
            except DomainError as error:
                form_add_error(form, error)
                status = error.status
            else:
                messages.success(request, _("Thank you: your till total is recorded."))
                return redirect("checkin:owner", token=token)
    now = timezone.now()
    response = render(
        request,
        "checkin/owner.html",
        {
            "mob": mob,
            "chapter": mob.chapter,
            "business": consent.business,
            "form": form,
            "confirmation": confirmation,
            "token": token,
            "mob_code": codes.mob_code(mob),
            "is_over": mob.ends_at is not None and now >= mob.ends_at,
        },
        status=status,
    )
    # same-origin: "no-referrer" makes browsers post this page's forms with "Origin: null",
    # which the CSRF check refuses.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return _private(response)


@require_http_methods(["GET", "POST"])
def owner_scan(request: HttpRequest, token: str) -> HttpResponse:
    try:
        consent = _owner(request, token)
    except DomainError as error:
        return domain_error_response(request, error)
    response = _scan(
        request,
        consent.mob,
        by_shop=True,
        action=request.path,
        back=reverse("checkin:owner", kwargs={"token": token}),
    )
    # same-origin: "no-referrer" makes browsers post this page's forms with "Origin: null",
    # which the CSRF check refuses.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# --- The live tally ----------------------------------------------------------------------------


def stream_url(request: HttpRequest, slug: str) -> str:
    """Where the page's EventSource connects: ``LIVE_STREAM_URL`` if set (a path behind the
    same proxy, or another origin), else the same host on the stream process's port."""
    path = f"/live/{slug}/stream"
    base = live_config.stream_base()
    if base:
        return base.rstrip("/") + path
    host = request.get_host()
    hostname = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    scheme = "https" if request.is_secure() else "http"
    return f"{scheme}://{hostname}:{live_config.stream_port()}{path}"


@require_GET
def tally(request: HttpRequest, slug: str) -> HttpResponse:
    """The public live tally: current figures in the HTML, then live through the stream."""
    data = selectors.tally_get(slug=slug)
    response = render(
        request,
        "live/tally.html",
        {
            "tally": data,
            "mob": data.mob,
            "chapter": data.mob.chapter,
            "secret": data.mob.is_secret_at(data.now),
            "stream_url": stream_url(request, slug),
            "snapshot": data.snapshot(),
        },
    )
    response["Cache-Control"] = "no-cache"
    return response
