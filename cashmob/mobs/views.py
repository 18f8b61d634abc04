"""Mob pages: the public page, planning, the organiser dashboard and the shop's private page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cashmob.businesses.selectors import business_language
from cashmob.chapters.selectors import access_chapter, is_chapter_organiser
from cashmob.checkin.owner import owner_url
from cashmob.core import dates
from cashmob.core.errors import DomainError
from cashmob.core.forms import form_add_error
from cashmob.core.languages import page_language_activate
from cashmob.core.views import domain_error_response
from cashmob.mobs import consent as consent_services
from cashmob.mobs import services
from cashmob.mobs.exceptions import ConsentLinkError
from cashmob.mobs.forms import (
    AfterPartyForm,
    CancelForm,
    ChooseShopForm,
    ConsentAnswerForm,
    ConsentSendForm,
    MobDetailsForm,
    MobPlanForm,
    PollOpenForm,
    PublishForm,
    RescheduleForm,
    VoteOpenForm,
)
from cashmob.mobs.models import Consent, ConsentRequest, Mob, MobStatus
from cashmob.mobs.selectors import (
    Dashboard,
    access_mob,
    access_mob_for_organisers,
    mob_dashboard_get,
    mob_moved_to,
)
from cashmob.voting import services as voting_services
from cashmob.voting.forms import PollCloseForm
from cashmob.voting.models import PollStatus
from cashmob.voting.selectors import suggest_slots
from cashmob.voting.views import poll_close_choices, slot_label

if TYPE_CHECKING:
    from django import forms

    from cashmob.core.models import AuditEntry

#: How long a vote or date poll stays open unless the organiser says otherwise.
DEFAULT_VOTE_DAYS = 5
DEFAULT_POLL_DAYS = 3


def _form_error(form: forms.Form, error: DomainError | ValidationError) -> None:
    form_add_error(form, error, fields={"pledge_minor": "pledge"})


def _moved(request: HttpRequest, slug: str) -> HttpResponse:
    """An old address of a mob (see ``Mob.former_slug``): a redirect to the same page at
    its address now, or 404 for whoever may not follow it. Temporary (302), never cached
    as permanent: the answer depends on who asks and on whether the shop is revealed."""
    mob = mob_moved_to(slug=slug, user=request.user)
    if mob is None:
        raise Http404
    path = request.path.replace(f"/{slug}/", f"/{mob.slug}/", 1)
    query = request.META.get("QUERY_STRING", "")
    return redirect(path + (f"?{query}" if query else ""))


@require_GET
def mob_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        mob = access_mob(slug=slug, user=request.user)
    except Http404:
        return _moved(request, slug)
    now = timezone.now()
    return render(
        request,
        "mobs/detail.html",
        {
            "mob": mob,
            "chapter": mob.chapter,
            "secret": mob.is_secret_at(now),
            "now": now,
            "is_organiser": is_chapter_organiser(chapter=mob.chapter, user=request.user),
        },
    )


# --- Planning a new mob -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def mob_plan(request: HttpRequest, chapter_slug: str) -> HttpResponse:
    chapter = access_chapter(slug=chapter_slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_chapter_organiser(chapter=chapter, user=request.user):
        raise PermissionDenied
    form = MobPlanForm(request.POST if request.method == "POST" else None, chapter=chapter)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                mob = services.mob_plan(
                    chapter=chapter,
                    actor=request.user,
                    title=form.cleaned_data["title"],
                    pledge_minor=form.cleaned_data["pledge"],
                    meeting_point=form.cleaned_data["meeting_point"].strip(),
                    description=form.cleaned_data["description"].strip(),
                )
            except (DomainError, ValidationError) as error:
                _form_error(form, error)
                status = getattr(error, "status", 400)
            else:
                messages.success(
                    request, _("Your mob is planned. Next: choose the shop with a vote.")
                )
                return redirect("mobs:dashboard", slug=mob.slug)
        else:
            status = 400
    return render(request, "mobs/plan.html", {"chapter": chapter, "form": form}, status=status)


# --- The organiser dashboard ------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    state: str  # "done", "current" or "todo"
    detail: str = ""


def _steps(board: Dashboard) -> list[Step]:
    """Where the mob stands, in the order a mob is organised; the first unfinished step is
    the next one."""
    mob = board.mob
    vote, poll, consent = board.vote, board.poll, board.consent
    cancelled = mob.status == MobStatus.CANCELLED
    published = mob.published_at is not None
    zone = mob.chapter.time_zone
    rows: list[tuple[str, str, bool, str]] = [
        (
            "shop",
            _("Choose the shop"),
            mob.business_id is not None and not (vote and vote.status == PollStatus.OPEN),
            mob.business.name
            if mob.business
            else (_("Vote open") if vote and vote.status == PollStatus.OPEN else ""),
        ),
        (
            "date",
            _("Fix the date"),
            mob.starts_at is not None and not (poll and poll.status == PollStatus.OPEN),
            dates.format_when(mob.starts_at, zone) if mob.starts_at else "",
        ),
        (
            "consent",
            _("Get the shop's yes"),
            mob.business_consent == Consent.ACCEPTED,
            mob.get_business_consent_display() if consent or published else "",
        ),
        ("publish", _("Publish"), published, ""),
        (
            "promote",
            _("Promote"),
            published and mob.rsvp_count >= (mob.tipping_point or 1),
            ngettext("%(n)s going", "%(n)s going", mob.rsvp_count) % {"n": mob.rsvp_count}
            if published
            else "",
        ),
        (
            "day",
            _("Run the day"),
            mob.status in (MobStatus.CLOSED, MobStatus.REPORTED),
            mob.get_status_display() if mob.status == MobStatus.LIVE else "",
        ),
        ("results", _("Publish the results"), mob.status == MobStatus.REPORTED, ""),
    ]
    steps, current_found = [], cancelled
    for key, label, done, detail in rows:
        if done:
            state = "done"
        elif not current_found:
            state, current_found = "current", True
        else:
            state = "todo"
        steps.append(Step(key, label, state, detail))
    return steps


def _poll_slot_choices(board: Dashboard) -> list[tuple[str, str, datetime, datetime]]:
    """The poll's slots, best first, as choices for the request to the shop."""
    zone = board.mob.chapter.time_zone
    return [
        (
            str(s.slot.pk),
            _("%(slot)s · %(yes)s yes, %(maybe)s if need be")
            % {"slot": slot_label(s.slot, zone), "yes": s.yes, "maybe": s.maybe},
            s.slot.starts_at,
            s.slot.ends_at,
        )
        for s in board.ranking
        if s.slot.starts_at > timezone.now()
    ][:6]


def _dashboard_forms(board: Dashboard, data: Any = None, only: str = "") -> dict[str, Any]:
    """Every form of the dashboard, unbound except ``only`` (the one just submitted)."""
    mob, chapter = board.mob, board.mob.chapter
    zone = chapter.time_zone
    now = timezone.now()

    def bound(name: str) -> Any:
        return data if name == only else None

    vote_close = now.replace(second=0, microsecond=0) + timedelta(days=DEFAULT_VOTE_DAYS)
    poll_close = now.replace(second=0, microsecond=0) + timedelta(days=DEFAULT_POLL_DAYS)
    poll_form = PollOpenForm(bound("poll_open"), zone=zone, initial={"closes_at": poll_close})
    if only != "poll_open":
        start = poll_close.astimezone(ZoneInfo(zone)).date() + timedelta(days=1)
        poll_form.set_initial_slots(suggest_slots(time_zone=zone, start=start))
    poll_slots = _poll_slot_choices(board)
    send_initial: dict[str, Any] = {}
    if mob.starts_at and mob.ends_at:
        matching = [k for k, _l, s, _e in poll_slots if s == mob.starts_at]
        if matching:
            send_initial["picked"] = matching
        else:
            send_initial = {
                "slot_0_start": mob.starts_at,
                "slot_0_end": mob.ends_at.astimezone(ZoneInfo(zone)).time(),
            }
    elif poll_slots:
        send_initial["picked"] = [k for k, *_rest in poll_slots[:3]]
    after_start = mob.after_party_starts_at or mob.ends_at
    return {
        "vote_open": VoteOpenForm(
            bound("vote_open"),
            zone=zone,
            eligible=board.eligible,
            initial={"closes_at": vote_close},
        ),
        "choose_shop": ChooseShopForm(
            bound("choose_shop"),
            eligible=board.eligible,
            initial={"business": str(mob.business_id or "")},
        ),
        "poll_open": poll_form,
        "poll_close": PollCloseForm(choices=poll_close_choices(board.poll, board.ranking))
        if board.poll and board.poll.status == PollStatus.OPEN
        else None,
        "consent_send": ConsentSendForm(
            bound("consent_send"), zone=zone, poll_slots=poll_slots, initial=send_initial
        ),
        "publish": PublishForm(
            bound("publish"),
            zone=zone,
            initial={
                "reveal_at": mob.starts_at - services.DEFAULT_REVEAL_BEFORE
                if mob.starts_at
                else None
            },
        ),
        "details": MobDetailsForm.for_mob(bound("details"), mob=mob),
        "reschedule": RescheduleForm(bound("reschedule"), zone=zone),
        "cancel": CancelForm(bound("cancel")),
        "after_party": AfterPartyForm(
            bound("after_party"),
            zone=zone,
            venues=board.venues,
            initial={
                "business": str(mob.after_party_business_id or ""),
                "starts_at": after_start,
            },
        ),
    }


def _message_labels() -> dict[str, str]:
    return {
        "voting/vote_opened": _("Vote opened (to members)"),
        "voting/vote_closed": _("Vote result (to members)"),
        "voting/poll_opened": _("Date poll opened (to members)"),
        "mobs/published": _("New cash mob (to members and followers)"),
        "mobs/revealed": _("Shop revealed (to participants)"),
        "mobs/changed": _("Change of time or place (to participants)"),
        "mobs/cancelled": _("Cancellation"),
        "mobs/consent_answered": _("The shop answered (to organisers)"),
    }


def _audit_labels() -> dict[str, str]:
    return {
        "mob.plan": _("Mob planned"),
        "mob.choose_business": _("Shop chosen"),
        "mob.change": _("Details changed"),
        "mob.after_party": _("After-party venue chosen"),
        "mob.reveal": _("Shop revealed"),
        "mob.published": _("Published"),
        "mob.cancelled": _("Cancelled"),
        "vote.open": _("Vote opened"),
        "vote.close": _("Vote closed"),
        "vote.cancel": _("Vote cancelled"),
        "poll.open": _("Date poll opened"),
        "poll.close": _("Date poll closed"),
        "consent.request": _("Request sent to the shop"),
        "consent.accepted": _("The shop accepted"),
        "consent.proposed": _("The shop proposed other times"),
        "consent.declined": _("The shop declined"),
    }


def _audit_label(entry: AuditEntry, labels: dict[str, str]) -> str:
    """What the history shows for one entry; the shop's answers to new times (and to the
    after-party) read as such, not as the first request's."""
    kind = (entry.data or {}).get("kind")
    if entry.action.startswith("consent.") and kind in AUDIT_KIND_LABELS:
        answer = entry.action.removeprefix("consent.")
        return AUDIT_KIND_LABELS[kind]().get(answer, labels.get(entry.action, entry.action))
    return labels.get(entry.action, entry.action)


AUDIT_KIND_LABELS: dict[str, Callable[[], dict[str, str]]] = {
    "reschedule": lambda: {
        "request": _("New times asked of the shop"),
        "accepted": _("The shop accepted a new time"),
        "proposed": _("The shop proposed other new times"),
        "declined": _("The shop kept the agreed time"),
    },
    "after_party": lambda: {
        "request": _("After-party venue asked"),
        "accepted": _("The after-party venue accepted"),
        "proposed": _("The after-party venue proposed other times"),
        "declined": _("The after-party venue declined"),
    },
}


def _history(board: Dashboard) -> dict[str, list[dict[str, Any]]]:
    names = _message_labels()
    actions = _audit_labels()
    return {
        "sent": [{**m, "label": names.get(m["template"], m["template"])} for m in board.messages],
        "log": [{"entry": e, "label": _audit_label(e, actions)} for e in board.history],
    }


def _render_dashboard(
    request: HttpRequest, mob: Mob, *, data: Any = None, only: str = "", status: int = 200
) -> HttpResponse:
    board = mob_dashboard_get(mob=mob)
    steps = _steps(board)
    current = next((s for s in steps if s.state == "current"), None)
    forms = _dashboard_forms(board, data, only)
    if only and only in forms:
        forms[only] = data  # the bound form with its errors
    return render(
        request,
        "mobs/dashboard.html",
        {
            "mob": board.mob,
            "chapter": board.mob.chapter,
            "board": board,
            "steps": steps,
            "next_step": current.key if current else "",
            "forms": forms,
            "failed": only,
            "history": _history(board),
            "secret": board.mob.is_secret_at(timezone.now()),
            "can_plan": board.mob.status == MobStatus.PLANNING,
            "can_ask": board.mob.status
            in (MobStatus.PLANNING, MobStatus.AWAITING_CONSENT, MobStatus.CONFIRMED),
            "can_reschedule": board.mob.status == MobStatus.PUBLISHED,
            "can_change": board.mob.status
            not in (MobStatus.LIVE, MobStatus.CLOSED, MobStatus.REPORTED, MobStatus.CANCELLED),
            "can_cancel": board.mob.status
            in (
                MobStatus.PLANNING,
                MobStatus.AWAITING_CONSENT,
                MobStatus.CONFIRMED,
                MobStatus.PUBLISHED,
            ),
        },
        status=status,
    )


def _organiser_mob(request: HttpRequest, slug: str) -> Mob | HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return access_mob_for_organisers(slug=slug, user=request.user)


@require_GET
def mob_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        mob = _organiser_mob(request, slug)
    except Http404:
        return _moved(request, slug)
    if isinstance(mob, HttpResponse):
        return mob
    return _render_dashboard(request, mob)


# Each dashboard action: validate its form, call one service, say what happened.
# A handler returns a success message, or raises DomainError / returns the invalid form.
Handler = Callable[[HttpRequest, Mob, Dashboard], "str | forms.Form"]


def _act_vote_open(request: HttpRequest, mob: Mob, board: Dashboard) -> str | forms.Form:
    form = VoteOpenForm(request.POST, zone=mob.chapter.time_zone, eligible=board.eligible)
    if not form.is_valid():
        return form
    voting_services.shop_vote_open(
        mob=mob,
        actor=request.user,  # type: ignore[arg-type]
        closes_at=form.cleaned_data["closes_at"],
        business_ids=form.business_ids() or None,
    )
    return _("The vote is open and the chapter's members have been told.")


def _act_choose_shop(request: HttpRequest, mob: Mob, board: Dashboard) -> str | forms.Form:
    form = ChooseShopForm(request.POST, eligible=board.eligible)
    if not form.is_valid():
        return form
    mob = services.mob_choose_business(mob=mob, actor=request.user, business=form.shop())  # type: ignore[arg-type]
    return _("%(shop)s is the mob's shop.") % {"shop": form.shop().name}


def _act_poll_open(request: HttpRequest, mob: Mob, board: Dashboard) -> str | forms.Form:
    form = PollOpenForm(request.POST, zone=mob.chapter.time_zone)
    if not form.is_valid():
        return form
    voting_services.date_poll_open(
        mob=mob,
        actor=request.user,  # type: ignore[arg-type]
        slots=form.cleaned_data["slots"],
        closes_at=form.cleaned_data["closes_at"],
    )
    return _("The date poll is open and the chapter's members have been told.")


def _ask_shop(
    request: HttpRequest, mob: Mob, form: ConsentSendForm, *, kind: str, done: str
) -> str | forms.Form:
    """Send the times of ``form`` to the shop; ``done`` says so, with %(email)s."""
    if not form.is_valid():
        return form
    request_ = consent_services.consent_request_send(
        mob=mob,
        actor=request.user,  # type: ignore[arg-type]
        slots=form.cleaned_data["slots"],
        message=form.cleaned_data["message"].strip(),
        kind=kind,
    )
    return done % {"email": request_.sent_to}


def _act_consent_send(request: HttpRequest, mob: Mob, board: Dashboard) -> str | forms.Form:
    form = ConsentSendForm(
        request.POST, zone=mob.chapter.time_zone, poll_slots=_poll_slot_choices(board)
    )
    done = _("The request is on its way to %(email)s. You will be told when the shop answers.")
    return _ask_shop(request, mob, form, kind=ConsentRequest.Kind.MOB, done=done)


def _act_reschedule(request: HttpRequest, mob: Mob, board: Dashboard) -> str | forms.Form:
    form = RescheduleForm(request.POST, zone=mob.chapter.time_zone)
    done = _(
        "The new times are on their way to %(email)s. The mob keeps its time until the "
        "shop accepts one."
    )
    return _ask_shop(request, mob, form, kind=ConsentRequest.Kind.RESCHEDULE, done=done)


def _act_publish(request: HttpRequest, mob: Mob, board: Dashboard) -> str | forms.Form:
    form = PublishForm(request.POST, zone=mob.chapter.time_zone)
    if not form.is_valid():
        return form
    services.mob_publish(
        mob=mob,
        actor=request.user,  # type: ignore[arg-type]
        keep_secret=form.cleaned_data["keep_secret"],
        reveal_at=form.cleaned_data["reveal_at"],
    )
    return _("The mob is published: the chapter's members and followers are being told.")


def _act_reveal(request: HttpRequest, mob: Mob, board: Dashboard) -> str | forms.Form:
    services.mob_reveal(mob=mob, actor=request.user)  # type: ignore[arg-type]
    return _("The shop is revealed.")


def _act_details(request: HttpRequest, mob: Mob, board: Dashboard) -> str | forms.Form:
    form = MobDetailsForm.for_mob(request.POST, mob=mob)
    if not form.is_valid():
        return form
    before = mob.status
    mob = services.mob_update_details(mob=mob, actor=request.user, data=form.changes())  # type: ignore[arg-type]
    if before != mob.status and mob.status == MobStatus.PLANNING:
        return _("Saved. The time changed, so ask the shop again about the new time.")
    return _("Saved.")


def _act_cancel(request: HttpRequest, mob: Mob, board: Dashboard) -> str | forms.Form:
    form = CancelForm(request.POST)
    if not form.is_valid():
        return form
    services.mob_cancel(mob=mob, actor=request.user, reason=form.cleaned_data["reason"].strip())  # type: ignore[arg-type]
    return _("The mob is cancelled; everyone concerned is being told.")


def _act_after_party(request: HttpRequest, mob: Mob, board: Dashboard) -> str | forms.Form:
    form = AfterPartyForm(request.POST, zone=mob.chapter.time_zone, venues=board.venues)
    if not form.is_valid():
        return form
    services.mob_set_after_party(
        mob=mob,
        actor=request.user,  # type: ignore[arg-type]
        business=form.cleaned_data["venue"],
        starts_at=form.cleaned_data["starts_at"],
        ends_at=form.cleaned_data["ends_at_utc"],
        message=form.cleaned_data["message"].strip(),
    )
    return _("The after-party venue has been asked.")


ACTIONS: dict[str, Handler] = {
    "vote_open": _act_vote_open,
    "choose_shop": _act_choose_shop,
    "poll_open": _act_poll_open,
    "consent_send": _act_consent_send,
    "reschedule": _act_reschedule,
    "publish": _act_publish,
    "reveal": _act_reveal,
    "details": _act_details,
    "cancel": _act_cancel,
    "after_party": _act_after_party,
}


@require_POST
def mob_dashboard_action(request: HttpRequest, slug: str, action: str) -> HttpResponse:
    handler = ACTIONS.get(action)
    if handler is None:
        raise Http404
    mob = _organiser_mob(request, slug)
    if isinstance(mob, HttpResponse):
        return mob
    board = mob_dashboard_get(mob=mob)
    try:
        with transaction.atomic():
            outcome = handler(request, mob, board)
    except DomainError as error:
        form = _rebuild(request, mob, board, action)
        if form is None:
            return domain_error_response(request, error)
        _form_error(form, error)
        return _render_dashboard(request, mob, data=form, only=action, status=error.status)
    if not isinstance(outcome, str):
        return _render_dashboard(request, mob, data=outcome, only=action, status=400)
    messages.success(request, outcome)
    return redirect(reverse("mobs:dashboard", kwargs={"slug": mob.slug}) + f"#{action}")


def _rebuild(request: HttpRequest, mob: Mob, board: Dashboard, action: str) -> Any:
    """The submitted form again, validated, to carry a service's refusal to its field."""
    zone = mob.chapter.time_zone
    builders: dict[str, Callable[[], Any]] = {
        "vote_open": lambda: VoteOpenForm(request.POST, zone=zone, eligible=board.eligible),
        "choose_shop": lambda: ChooseShopForm(request.POST, eligible=board.eligible),
        "poll_open": lambda: PollOpenForm(request.POST, zone=zone),
        "consent_send": lambda: ConsentSendForm(
            request.POST, zone=zone, poll_slots=_poll_slot_choices(board)
        ),
        "reschedule": lambda: RescheduleForm(request.POST, zone=zone),
        "publish": lambda: PublishForm(request.POST, zone=zone),
        "details": lambda: MobDetailsForm.for_mob(request.POST, mob=mob),
        "cancel": lambda: CancelForm(request.POST),
        "after_party": lambda: AfterPartyForm(request.POST, zone=zone, venues=board.venues),
    }
    build = builders.get(action)
    if build is None:
        return None
    form = build()
    form.is_valid()
    return form


# --- The shop's private page ------------------------------------------------------------------


def _slot_labels(request_: ConsentRequest) -> list[str]:
    zone = request_.mob.chapter.time_zone
    return [dates.format_range(start, end, zone) for start, end in request_.slots]


def _consent_initial(request_: ConsentRequest) -> dict[str, Any]:
    """The shop's current choices, so that changing its mind starts from them."""
    mob = request_.mob
    initial: dict[str, Any] = {"arrival_waves": 1}
    if len(request_.slots) == 1:
        initial["slot"] = 0
    if request_.answer == Consent.ACCEPTED and request_.accepted_starts_at is not None:
        starts = [datetime.fromisoformat(start) for start, _end in request_.slots]
        if request_.accepted_starts_at in starts:
            initial["slot"] = starts.index(request_.accepted_starts_at)
        if request_.kind == ConsentRequest.Kind.MOB:
            initial.update(
                max_crowd=mob.capacity,
                arrival_waves=mob.arrival_waves,
                tipping_point=mob.tipping_point,
                notes_for_mobbers=mob.notes_for_mobbers,
            )
    return initial


@require_http_methods(["GET", "POST"])
def consent_page(request: HttpRequest, token: str) -> HttpResponse:
    """The shop's answer page, reached from the email's private link; no account needed."""
    try:
        request_ = consent_services.consent_check(token=token)
    except ConsentLinkError as error:
        return domain_error_response(request, error)
    # The page speaks the language of the shop's emails, whose link led here.
    page_language_activate(request, business_language(request_.business))
    return consent_answer_page(request, request_, done_url=request.path)


def consent_answer_page(
    request: HttpRequest, request_: ConsentRequest, *, done_url: str, back_url: str = ""
) -> HttpResponse:
    """The shop's answer form for ``request_``, wherever the shop reached it: the private
    link in its email, or "My shop" once signed in. One service records the answer."""
    mob = request_.mob
    labels = _slot_labels(request_)
    form = ConsentAnswerForm(
        request.POST if request.method == "POST" else None,
        slot_labels=labels,
        initial=_consent_initial(request_),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                consent_services.consent_answer(request=request_, **form.service_kwargs())
            except ConsentLinkError as error:
                return domain_error_response(request, error)
            except DomainError as error:
                _form_error(form, error)
                status = error.status
            else:
                messages.success(request, _("Thank you: your answer is recorded."))
                return redirect(done_url)
        else:
            status = 400
    is_after_party = request_.kind == ConsentRequest.Kind.AFTER_PARTY
    is_reschedule = request_.kind == ConsentRequest.Kind.RESCHEDULE
    open_for_answers = consent_services.consent_open_for_answers(request_)
    # Once published, the shop's day page (mob code, scanning, till total), reached through
    # the request the shop accepted (while a new time is asked, the earlier one).
    day_request = consent_services.consent_current(mob=mob) if is_reschedule else request_
    day_url = ""
    if mob.published_at and day_request is not None and day_request.answer == Consent.ACCEPTED:
        day_url = owner_url(day_request)
    starts = [datetime.fromisoformat(start) for start, _end in request_.slots]
    accepted_label = next(
        (
            label
            for at, label in zip(starts, labels, strict=True)
            if at == request_.accepted_starts_at
        ),
        "",
    )
    submitted = form.data.get("answer", "") if form.is_bound else ""
    response = render(
        request,
        "mobs/consent.html",
        {
            "consent": request_,
            "mob": mob,
            "chapter": mob.chapter,
            "business": request_.business,
            "form": form,
            "submitted": submitted,
            "slot_labels": labels,
            "accepted_label": accepted_label,
            "is_after_party": is_after_party,
            "is_reschedule": is_reschedule,
            "is_move": request_.moves_published,
            "open_for_answers": open_for_answers,
            "expected_total_minor": request_.pledge_minor * request_.expected_headcount,
            "organiser": request_.sent_by,
            "day_url": day_url,
            "back_url": back_url,
        },
        status=status,
    )
    # The link is the shop's key: keep it out of other sites' logs and search engines.
    # "same-origin", not "no-referrer": with no-referrer browsers send "Origin: null" on
    # the page's own form posts, and the CSRF check then refuses the shop's answer.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    return response
