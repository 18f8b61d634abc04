"""The vote and date-poll pages: members answer, organisers close or cancel."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cashmob.chapters.selectors import is_chapter_organiser, membership_of
from cashmob.core import dates
from cashmob.core.errors import DomainError
from cashmob.core.forms import form_add_error
from cashmob.core.views import domain_error_response
from cashmob.voting.exceptions import VotingError, VotingPermissionError
from cashmob.voting.forms import BallotForm, PollCloseForm, SlotAnswersForm
from cashmob.voting.models import PollStatus, SlotAnswer
from cashmob.voting.selectors import (
    access_poll,
    access_vote,
    answers_of,
    ballot_of,
    date_poll_ranking,
    vote_candidates,
)
from cashmob.voting.services import (
    ballot_cast,
    date_poll_close,
    shop_vote_cancel,
    shop_vote_close,
    slot_answers_set,
)

if TYPE_CHECKING:
    from cashmob.chapters.models import Chapter
    from cashmob.voting.models import DatePoll, Slot


def _next_or(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    """Back where the organiser came from (the dashboard), if that is a page of this site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(fallback)


def _roles(chapter: Chapter, request: HttpRequest) -> dict[str, bool]:
    return {
        "is_member": membership_of(chapter=chapter, user=request.user) is not None,
        "is_organiser": is_chapter_organiser(chapter=chapter, user=request.user),
    }


# --- Shop vote --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def vote_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The ballot while the vote is open; the ranked results once it is closed."""
    vote = access_vote(pk=pk, user=request.user)
    chapter = vote.mob.chapter
    if request.method == "POST" and not request.user.is_authenticated:
        return redirect_to_login(request.path)
    candidates = vote_candidates(vote=vote)
    saved = ballot_of(vote=vote, user=request.user)  # type: ignore[arg-type]
    chosen = saved
    form = BallotForm(request.POST if request.method == "POST" else None, candidates=candidates)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                ballot_cast(
                    vote=vote,
                    user=request.user,  # type: ignore[arg-type]
                    candidate_ids=[c.pk for c in form.cleaned_data["choices"]],
                )
            except DomainError as error:
                form_add_error(form, error)
                status = error.status
            else:
                messages.success(
                    request, _("Your ballot is saved. You can change it until the vote closes.")
                )
                return redirect("voting:vote", pk=vote.pk)
        else:
            status = 400
        chosen = {int(v) for v in request.POST.getlist("choices") if v.isdigit()}
    is_open = vote.status == PollStatus.OPEN and timezone.now() < vote.closes_at
    top = max((c.approvals or 0 for c in candidates), default=0)
    return render(
        request,
        "voting/vote.html",
        {
            "vote": vote,
            "mob": vote.mob,
            "chapter": chapter,
            "candidates": candidates,
            "chosen": chosen,
            "has_ballot": bool(saved),
            "top": top,
            "form": form,
            "is_open": is_open,
            **_roles(chapter, request),
        },
        status=status,
    )


def _vote_action(request: HttpRequest, pk: int, *, cancel: bool) -> HttpResponse:
    vote = access_vote(pk=pk, user=request.user)
    if not request.user.is_authenticated:
        return redirect_to_login(vote.mob.get_absolute_url())
    try:
        if cancel:
            shop_vote_cancel(vote=vote, actor=request.user)
            messages.success(request, _("The vote is cancelled."))
        else:
            vote = shop_vote_close(vote=vote, actor=request.user)
            if vote.winner is not None:
                messages.success(
                    request,
                    _("The vote is closed: %(shop)s won.") % {"shop": vote.winner.name},
                )
            else:
                messages.warning(request, _("The vote is closed, but nobody voted."))
    except DomainError as error:
        return domain_error_response(request, error)
    return _next_or(request, reverse("voting:vote", kwargs={"pk": vote.pk}))


@require_POST
def vote_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _vote_action(request, pk, cancel=False)


@require_POST
def vote_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _vote_action(request, pk, cancel=True)


# --- Date poll --------------------------------------------------------------------------------


def slot_label(slot: Slot, zone: str) -> str:
    return dates.format_stamp_range(slot.starts_at, slot.ends_at, zone)


def poll_close_choices(poll: DatePoll, ranking: list[Any]) -> list[tuple[int, str]]:
    zone = poll.mob.chapter.time_zone
    return [
        (
            s.slot.pk,
            _("%(slot)s · %(yes)s yes, %(maybe)s if need be")
            % {"slot": slot_label(s.slot, zone), "yes": s.yes, "maybe": s.maybe},
        )
        for s in ranking
    ]


@require_http_methods(["GET", "POST"])
def poll_detail(request: HttpRequest, pk: int) -> HttpResponse:
    poll = access_poll(pk=pk, user=request.user)
    chapter = poll.mob.chapter
    if request.method == "POST" and not request.user.is_authenticated:
        return redirect_to_login(request.path)
    ranking = date_poll_ranking(poll=poll)
    slots = sorted((s.slot for s in ranking), key=lambda s: s.starts_at)
    labels = {s.pk: slot_label(s, chapter.time_zone) for s in slots}
    form = SlotAnswersForm(
        request.POST if request.method == "POST" else None,
        slots=slots,
        labels=labels,
        initial={f"slot_{k}": v for k, v in answers_of(poll=poll, user=request.user).items()},  # type: ignore[arg-type]
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                slot_answers_set(poll=poll, user=request.user, answers=form.answers())  # type: ignore[arg-type]
            except DomainError as error:
                form_add_error(form, error)
                status = error.status
            else:
                messages.success(request, _("Your answers are saved."))
                return redirect("voting:poll", pk=poll.pk)
        else:
            status = 400
    roles = _roles(chapter, request)
    is_open = poll.status == PollStatus.OPEN and timezone.now() < poll.closes_at
    close_form = (
        PollCloseForm(choices=poll_close_choices(poll, ranking))
        if roles["is_organiser"] and poll.status == PollStatus.OPEN
        else None
    )
    top = max((s.score for s in ranking), default=0)
    return render(
        request,
        "voting/poll.html",
        {
            "poll": poll,
            "mob": poll.mob,
            "chapter": chapter,
            "ranking": ranking,
            "top": top,
            "labels": labels,
            "chosen_label": slot_label(poll.chosen, chapter.time_zone) if poll.chosen else "",
            "form": form,
            "close_form": close_form,
            "answer_choices": SlotAnswer.Answer.choices,
            "is_open": is_open,
            **roles,
        },
        status=status,
    )


@require_POST
def poll_close(request: HttpRequest, pk: int) -> HttpResponse:
    poll = access_poll(pk=pk, user=request.user)
    if not request.user.is_authenticated:
        return redirect_to_login(poll.mob.get_absolute_url())
    if not is_chapter_organiser(chapter=poll.mob.chapter, user=request.user):
        return domain_error_response(
            request,
            VotingPermissionError(
                _("Only the chapter's organisers can do this."), code="not_organiser"
            ),
        )
    ranking = date_poll_ranking(poll=poll)
    form = PollCloseForm(request.POST, choices=poll_close_choices(poll, ranking))
    if not form.is_valid():
        return domain_error_response(
            request, VotingError(_("Unknown time slot."), code="invalid_slot", field="slot")
        )
    slot_id = form.cleaned_data["slot"]
    slot = next((s.slot for s in ranking if s.slot.pk == slot_id), None)
    try:
        poll = date_poll_close(poll=poll, actor=request.user, slot=slot)
    except DomainError as error:
        return domain_error_response(request, error)
    if poll.chosen is not None:
        messages.success(
            request,
            _("The date poll is closed: the mob is on %(slot)s.")
            % {"slot": slot_label(poll.chosen, poll.mob.chapter.time_zone)},
        )
    else:
        messages.warning(request, _("The date poll is closed, but no slot got a yes."))
    return _next_or(request, reverse("voting:poll", kwargs={"pk": poll.pk}))
