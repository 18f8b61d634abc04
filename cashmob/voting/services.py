"""Writes for choosing together: the shop vote and the date poll."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, cast

from django.db import IntegrityError, transaction
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from cashmob.chapters.models import Membership
from cashmob.chapters.selectors import is_chapter_organiser
from cashmob.core.audit import audit_record
from cashmob.core.links import absolute_url
from cashmob.mobs.exceptions import ShopUnavailableError
from cashmob.mobs.models import Mob, MobStatus
from cashmob.mobs.rotation import CHOOSABLE, business_is_available, cooldown_cutoff
from cashmob.mobs.services import mob_take_shop
from cashmob.notifications.models import Kind
from cashmob.notifications.services import notify
from cashmob.voting.exceptions import VotingClosedError, VotingError, VotingPermissionError
from cashmob.voting.models import (
    Ballot,
    Candidate,
    DatePoll,
    PollStatus,
    ShopVote,
    Slot,
    SlotAnswer,
)
from cashmob.voting.selectors import candidates_with_marks, eligible_businesses, mob_members

if TYPE_CHECKING:
    from cashmob.accounts.models import User

MIN_VOTE_DURATION = timedelta(minutes=5)
MAX_VOTE_DURATION = timedelta(days=60)
MAX_SLOTS = 20


def _require_organiser(mob: Mob, user: User) -> None:
    if not is_chapter_organiser(chapter=mob.chapter, user=user):
        raise VotingPermissionError(
            _("Only the chapter's organisers can do this."), code="not_organiser"
        )


def _require_planning(mob: Mob) -> None:
    if mob.status != MobStatus.PLANNING:
        raise VotingClosedError(
            _("The shop and date can only be chosen while the mob is being planned."),
            code="not_planning",
        )


def _check_closing_time(closes_at: datetime, now: datetime) -> None:
    if closes_at - now < MIN_VOTE_DURATION:
        raise VotingError(
            _("Give members at least five minutes to answer."),
            code="closes_too_soon",
            field="closes_at",
        )
    if closes_at - now > MAX_VOTE_DURATION:
        raise VotingError(
            _("A vote can stay open for at most 60 days."),
            code="closes_too_late",
            field="closes_at",
        )


def _require_member(mob: Mob, user: User) -> None:
    if (
        not user.is_authenticated
        or not Membership.objects.filter(chapter_id=mob.chapter_id, user=user).exists()
    ):
        raise VotingPermissionError(
            _("Only members of the chapter can take part."), code="not_member"
        )


# --- Shop vote -------------------------------------------------------------------------------


@transaction.atomic
def shop_vote_open(
    *,
    mob: Mob,
    actor: User,
    closes_at: datetime,
    business_ids: Sequence[int] | None = None,
) -> ShopVote:
    """Open an approval vote among the chapter's eligible shops, or a shortlist of them.

    Shops that asked not to be mobbed or were removed are not eligible and cannot be
    listed; nor can shops another mob holds or that rest after their last mob (the
    rotation, :mod:`cashmob.mobs.rotation`).
    """
    _require_organiser(mob, actor)
    _require_planning(mob)
    now = timezone.now()
    _check_closing_time(closes_at, now)
    eligible = {b.pk: b for b in eligible_businesses(chapter=mob.chapter, now=now, mob=mob)}
    if business_ids:
        wanted = set(business_ids)
        if not wanted <= set(eligible):
            raise VotingError(
                _(
                    "Some of these shops cannot be voted on: excluded or removed, another "
                    "mob has them, or they rest after a recent mob."
                ),
                code="ineligible_candidate",
                field="businesses",
            )
        chosen = [eligible[pk] for pk in wanted]
        shortlisted = True
    else:
        chosen, shortlisted = list(eligible.values()), False
    if len(chosen) < 2:
        raise VotingError(
            _("A vote needs at least two eligible shops. Nominate more shops first."),
            code="too_few_candidates",
            field="businesses",
        )
    try:
        with transaction.atomic():
            vote = ShopVote.objects.create(mob=mob, closes_at=closes_at, created_by=actor)
    except IntegrityError:
        raise VotingClosedError(
            _("A vote is already open for this mob."), code="vote_already_open"
        ) from None
    Candidate.objects.bulk_create(
        [Candidate(vote=vote, business=b, shortlisted=shortlisted) for b in chosen]
    )
    audit_record(actor=actor, action="vote.open", obj=vote, data={"candidates": len(chosen)})
    notify(
        users=mob_members(mob=mob),
        kind=Kind.VOTE,
        event_key=f"vote:{vote.pk}:opened",
        template="voting/vote_opened",
        context={
            "chapter_name": mob.chapter.name,
            "mob_title": mob.title,
            "vote_url": vote_url(vote),
            "closes_at": closes_at.isoformat(),
            "time_zone": mob.chapter.time_zone,
            "candidate_count": len(chosen),
        },
    )
    return vote


def vote_url(vote: ShopVote) -> str:

    return absolute_url("voting:vote", pk=vote.pk)


@transaction.atomic
def ballot_cast(*, vote: ShopVote, user: User, candidate_ids: Iterable[int]) -> Ballot:
    """Record ``user``'s approvals, replacing any earlier ballot of theirs in this vote.

    One ballot per member is guaranteed by a unique constraint; two simultaneous
    submissions by the same member end with one ballot holding the later choices.
    """
    # Locking the vote row orders ballots against the close: a ballot either lands before
    # the count or sees the vote closed. It also serialises one member's double submit.
    vote = (
        ShopVote.objects.select_for_update(of=("self",))
        .select_related("mob__chapter")
        .get(pk=vote.pk)
    )
    _require_member(vote.mob, user)
    if vote.status != PollStatus.OPEN or timezone.now() >= vote.closes_at:
        raise VotingClosedError(_("This vote is closed."), code="vote_closed")
    wanted = set(candidate_ids)
    valid = set(
        vote.candidates.filter(pk__in=wanted, business__status__in=CHOOSABLE).values_list(
            "pk", flat=True
        )
    )
    if wanted - valid:
        raise VotingError(
            _("Choose only among the shops on the ballot that can still be chosen."),
            code="invalid_choice",
            field="choices",
        )
    if not wanted:
        raise VotingError(
            _("Tick at least one shop you would support."), code="empty_ballot", field="choices"
        )
    try:
        with transaction.atomic():
            ballot, _created = Ballot.objects.get_or_create(vote=vote, user=user)
    except IntegrityError:
        ballot = Ballot.objects.get(vote=vote, user=user)
    ballot.save(update_fields=["updated_at"])
    ballot.choices.set(valid)
    return ballot


def _can_win(candidate: Candidate, cutoff: datetime) -> bool:
    """Still choosable, not taken by another mob, not resting after a recent mob."""
    taken = candidate.taken  # type: ignore[attr-defined]
    return business_is_available(candidate.business, taken=taken, cutoff=cutoff)


def _rank_candidates(vote: ShopVote) -> list[Candidate]:
    """Most approvals first; a shop that can no longer win (excluded or removed, taken by
    another mob, or resting after a mob since the vote opened) comes last whatever its
    approvals. Ties go to the shop mobbed least, then to the one nominated earliest."""
    candidates = list(
        candidates_with_marks(vote=vote).annotate(
            n=Count("ballots", distinct=True),
            first_nominated=Min("business__nominations__created_at"),
        )
    )
    now = timezone.now()
    cutoff = cooldown_cutoff(chapter=vote.mob.chapter, now=now)
    far_future = now + timedelta(days=36500)
    candidates.sort(
        key=lambda c: (
            not _can_win(c, cutoff),
            -c.n,
            c.business.mob_count,
            c.first_nominated or far_future,
            c.pk,
        )
    )
    return cast("list[Candidate]", candidates)  # with their annotations n, first_nominated


@transaction.atomic
def shop_vote_close(*, vote: ShopVote, actor: User | None) -> ShopVote:
    """Close the vote (early by an organiser, or at its closing time by the worker).

    Counts are computed once, from the ballots, and the winner becomes the mob's shop.
    Closing twice is harmless.
    """
    if actor is not None:
        _require_organiser(vote.mob, actor)
    updated = ShopVote.objects.filter(pk=vote.pk, status=PollStatus.OPEN).update(
        status=PollStatus.CLOSED, closed_at=timezone.now()
    )
    vote.refresh_from_db()
    if updated != 1:
        return vote
    ranked = _rank_candidates(vote)
    for rank, candidate in enumerate(ranked, start=1):
        candidate.approvals = candidate.n  # type: ignore[attr-defined]
        candidate.rank = rank
    Candidate.objects.bulk_update(ranked, ["approvals", "rank"])
    mob = vote.mob
    cutoff = cooldown_cutoff(chapter=mob.chapter)
    winner = None
    for candidate in ranked:
        if not candidate.approvals or not _can_win(candidate, cutoff):
            break
        if mob.status != MobStatus.PLANNING:
            winner = candidate.business
            break
        try:
            mob_take_shop(mob=mob, business=candidate.business)
        except ShopUnavailableError:
            # Another mob took the shop while the vote was counted: the next one wins.
            continue
        winner = candidate.business
        break
    vote.winner = winner
    vote.ballot_count = vote.ballots.count()
    vote.save(update_fields=["winner", "ballot_count", "updated_at"])
    audit_record(
        actor=actor,
        action="vote.close",
        obj=vote,
        data={"winner": winner.pk if winner else None, "ballots": vote.ballot_count},
    )
    notify(
        users=mob_members(mob=mob),
        kind=Kind.VOTE,
        event_key=f"vote:{vote.pk}:closed",
        template="voting/vote_closed",
        context={
            "chapter_name": mob.chapter.name,
            "mob_title": mob.title,
            "vote_url": vote_url(vote),
            "winner_name": winner.name if winner else "",
            "ballots": vote.ballot_count,
        },
    )
    return vote


@transaction.atomic
def shop_vote_cancel(*, vote: ShopVote, actor: User) -> ShopVote:
    _require_organiser(vote.mob, actor)
    updated = ShopVote.objects.filter(pk=vote.pk, status=PollStatus.OPEN).update(
        status=PollStatus.CANCELLED, closed_at=timezone.now()
    )
    if updated != 1:
        raise VotingClosedError(_("This vote is not open."), code="vote_not_open")
    vote.refresh_from_db()
    audit_record(actor=actor, action="vote.cancel", obj=vote)
    return vote


def shop_vote_close_due(*, now: datetime | None = None) -> int:
    """Close every open vote past its closing time; run by the worker. Returns how many."""
    now = now or timezone.now()
    closed = 0
    for vote in ShopVote.objects.filter(status=PollStatus.OPEN, closes_at__lte=now).select_related(
        "mob__chapter"
    ):
        shop_vote_close(vote=vote, actor=None)
        closed += 1
    return closed


# --- Date poll -------------------------------------------------------------------------------


@transaction.atomic
def date_poll_open(
    *,
    mob: Mob,
    actor: User,
    slots: Sequence[tuple[datetime, datetime]],
    closes_at: datetime,
) -> DatePoll:
    """Offer members time slots (entered in the chapter's zone, stored in UTC)."""
    _require_organiser(mob, actor)
    _require_planning(mob)
    now = timezone.now()
    _check_closing_time(closes_at, now)
    unique = sorted(set(slots))
    if not unique:
        raise VotingError(_("Propose at least one time slot."), code="no_slots", field="slots")
    if len(unique) > MAX_SLOTS:
        raise VotingError(
            _("Propose at most %(n)s slots.") % {"n": MAX_SLOTS},
            code="too_many_slots",
            field="slots",
        )
    for starts_at, ends_at in unique:
        if ends_at <= starts_at:
            raise VotingError(
                _("Each slot must end after it starts."), code="slot_order", field="slots"
            )
        if starts_at <= closes_at:
            raise VotingError(
                _("Slots must start after the poll closes."),
                code="slot_before_close",
                field="slots",
            )
        if ends_at - starts_at > timedelta(hours=12):
            raise VotingError(
                _("A mob lasts at most 12 hours."), code="slot_too_long", field="slots"
            )
    try:
        with transaction.atomic():
            poll = DatePoll.objects.create(mob=mob, closes_at=closes_at, created_by=actor)
    except IntegrityError:
        raise VotingClosedError(
            _("A date poll is already open for this mob."), code="poll_already_open"
        ) from None
    Slot.objects.bulk_create([Slot(poll=poll, starts_at=s, ends_at=e) for s, e in unique])
    audit_record(actor=actor, action="poll.open", obj=poll, data={"slots": len(unique)})

    notify(
        users=mob_members(mob=mob),
        kind=Kind.VOTE,
        event_key=f"poll:{poll.pk}:opened",
        template="voting/poll_opened",
        context={
            "chapter_name": mob.chapter.name,
            "mob_title": mob.title,
            "poll_url": absolute_url("voting:poll", pk=poll.pk),
            "closes_at": closes_at.isoformat(),
            "time_zone": mob.chapter.time_zone,
        },
    )
    return poll


@transaction.atomic
def slot_answers_set(*, poll: DatePoll, user: User, answers: dict[int, str]) -> int:
    """Record ``user``'s yes / if need be / no for each slot; returns how many changed."""
    poll = DatePoll.objects.select_related("mob__chapter").get(pk=poll.pk)
    _require_member(poll.mob, user)
    if poll.status != PollStatus.OPEN or timezone.now() >= poll.closes_at:
        raise VotingClosedError(_("This date poll is closed."), code="poll_closed")
    slot_ids = set(poll.slots.values_list("pk", flat=True))
    if set(answers) - slot_ids:
        raise VotingError(_("Unknown time slot."), code="invalid_slot", field="answers")
    if any(a not in SlotAnswer.Answer.values for a in answers.values()):
        raise VotingError(
            _("Answer yes, if need be, or no."), code="invalid_answer", field="answers"
        )
    for slot_id, answer in answers.items():
        SlotAnswer.objects.update_or_create(slot_id=slot_id, user=user, defaults={"answer": answer})
    return len(answers)


@transaction.atomic
def date_poll_close(*, poll: DatePoll, actor: User | None, slot: Slot | None = None) -> DatePoll:
    """Close the poll; the organiser's pick (or the best slot) becomes the mob's time."""
    from cashmob.voting.selectors import date_poll_ranking

    mob = poll.mob
    if actor is not None:
        _require_organiser(mob, actor)
    if slot is not None and slot.poll_id != poll.pk:
        raise VotingError(_("Unknown time slot."), code="invalid_slot", field="slot")
    now = timezone.now()
    updated = DatePoll.objects.filter(pk=poll.pk, status=PollStatus.OPEN).update(
        status=PollStatus.CLOSED, closed_at=now
    )
    poll.refresh_from_db()
    if updated != 1 and slot is None:
        return poll
    if slot is None:
        ranking = date_poll_ranking(poll=poll)
        slot = ranking[0].slot if ranking and ranking[0].yes + ranking[0].maybe > 0 else None
    if slot is not None:
        poll.chosen = slot
        poll.save(update_fields=["chosen", "updated_at"])
        Mob.objects.filter(pk=mob.pk, status=MobStatus.PLANNING).update(
            starts_at=slot.starts_at, ends_at=slot.ends_at
        )
    audit_record(
        actor=actor,
        action="poll.close",
        obj=poll,
        data={"slot": slot.starts_at.isoformat() if slot else None},
    )
    return poll


def date_poll_close_due(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    polls = DatePoll.objects.filter(status=PollStatus.OPEN, closes_at__lte=now).select_related(
        "mob__chapter"
    )
    count = 0
    for poll in polls:
        date_poll_close(poll=poll, actor=None)
        count += 1
    return count
