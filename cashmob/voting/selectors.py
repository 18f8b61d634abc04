"""Reads for votes and date polls."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cashmob.accounts.models import User
from cashmob.businesses.models import Business, Nomination
from cashmob.mobs.models import Mob
from cashmob.mobs.rotation import (
    CHOOSABLE,
    business_is_available,
    business_list_for_rotation,
    cooldown_cutoff,
    is_cooling,
    mob_list_holding,
)
from cashmob.voting.models import Ballot, Candidate, DatePoll, ShopVote, Slot, SlotAnswer

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cashmob.chapters.models import Chapter


def eligible_businesses(
    *, chapter: Chapter, now: datetime | None = None, mob: Mob | None = None
) -> QuerySet[Business]:
    """Shops that may be put to a vote or chosen for ``mob``: the chapter's rotation
    (:mod:`cashmob.mobs.rotation`) without the shops another mob holds or that rest
    after their last mob; least mobbed first."""
    shops = business_list_for_rotation(chapter=chapter, now=now, mob=mob)
    return shops.filter(available=True)  # type: ignore[misc]  # an annotation


def mob_members(*, mob: Mob) -> QuerySet[User]:
    """Everyone who should hear about the mob's planning: the chapter's members."""
    return User.objects.filter(memberships__chapter_id=mob.chapter_id, is_active=True)


def access_vote(*, pk: int, user: User | AnonymousUser | None = None) -> ShopVote:
    """A vote page's vote. While its mob's shop is a secret, only the chapter's members
    may see it: the ballot and the winner would give the shop away."""
    vote = ShopVote.objects.select_related("mob__chapter", "winner").filter(pk=pk).first()
    if vote is None:
        raise Http404
    _hide_if_secret(vote.mob, user)
    return vote


def _hide_if_secret(mob: Mob, user: User | AnonymousUser | None) -> None:
    from cashmob.chapters.selectors import membership_of

    if mob.reveal_at is None or not mob.is_secret_at(timezone.now()):
        return
    if (
        user is not None
        and user.is_authenticated
        and (user.is_staff or membership_of(chapter=mob.chapter, user=user) is not None)
    ):
        return
    raise Http404


def vote_candidates(*, vote: ShopVote, now: datetime | None = None) -> list[Candidate]:
    """Candidates with their shops; counts only once the vote is closed.

    Each carries what voters should weigh: ``withdrawn`` (excluded or removed since the
    vote opened), ``taken`` (another mob has taken the shop since) and ``cooling`` (mobbed
    within the chapter's cool-down): such a shop cannot win and comes last; and
    ``interests`` (nominations that declared a personal interest in the shop).
    """
    cutoff = cooldown_cutoff(chapter=vote.mob.chapter, now=now)
    qs = candidates_with_marks(vote=vote).prefetch_related(
        Prefetch(
            "business__nominations",
            queryset=Nomination.objects.exclude(interest=Nomination.Interest.NONE).select_related(
                "user"
            ),
            to_attr="interests",
        )
    )
    closed = vote.status == "closed"
    candidates = list(qs.order_by("rank", "id") if closed else qs.order_by("business__name"))
    for candidate in candidates:
        business = candidate.business
        taken = candidate.taken  # type: ignore[attr-defined]
        candidate.cooling = is_cooling(business, cutoff)  # type: ignore[attr-defined]
        candidate.withdrawn = business.status not in CHOOSABLE  # type: ignore[attr-defined]
        candidate.interests = business.interests  # type: ignore[attr-defined]
        candidate.unavailable = not business_is_available(  # type: ignore[attr-defined]
            business, taken=taken, cutoff=cutoff
        )
    if not closed:
        # Shops that can still win first, each group by name (a stable sort keeps it).
        candidates.sort(key=lambda c: c.unavailable)  # type: ignore[attr-defined]
    return candidates


def candidates_with_marks(*, vote: ShopVote) -> QuerySet[Candidate]:
    """The vote's candidates with their shops, each annotated ``taken``: another mob than
    the vote's holds the shop now (see :mod:`cashmob.mobs.rotation`)."""
    holders = mob_list_holding(except_mob_id=vote.mob_id).filter(business=OuterRef("business"))
    return vote.candidates.select_related("business").annotate(taken=Exists(holders))


def ballot_of(*, vote: ShopVote, user: User) -> set[int]:
    if not user.is_authenticated:
        return set()
    ballot = Ballot.objects.filter(vote=vote, user=user).first()
    if ballot is None:
        return set()
    return set(ballot.choices.values_list("pk", flat=True))


@dataclass(frozen=True, slots=True)
class SlotScore:
    slot: Slot
    yes: int
    maybe: int
    no: int

    @property
    def score(self) -> int:
        return 2 * self.yes + self.maybe


def date_poll_ranking(*, poll: DatePoll) -> list[SlotScore]:
    """Slots best first: most yes, then most "if need be", then earliest."""
    answer = SlotAnswer.Answer
    slots = poll.slots.annotate(
        n_yes=Count("answers", filter=Q(answers__answer=answer.YES)),
        n_maybe=Count("answers", filter=Q(answers__answer=answer.MAYBE)),
        n_no=Count("answers", filter=Q(answers__answer=answer.NO)),
    )
    scores = [SlotScore(s, s.n_yes, s.n_maybe, s.n_no) for s in slots]
    scores.sort(key=lambda s: (-s.yes, -s.maybe, s.slot.starts_at))
    return scores


def access_poll(*, pk: int, user: User | AnonymousUser | None = None) -> DatePoll:
    poll = DatePoll.objects.select_related("mob__chapter", "chosen").filter(pk=pk).first()
    if poll is None:
        raise Http404
    _hide_if_secret(poll.mob, user)
    return poll


def answers_of(*, poll: DatePoll, user: User) -> dict[int, str]:
    if not user.is_authenticated:
        return {}
    return dict(
        SlotAnswer.objects.filter(slot__poll=poll, user=user).values_list("slot_id", "answer")
    )


def suggest_slots(
    *, time_zone: str, start: date, count: int = 6, hours: int = 2
) -> list[tuple[datetime, datetime]]:
    """Evening and weekend slots from ``start`` on, the classic cash-mob times.

    Weekdays at 18:00 local time, Saturdays at 11:00 and Sundays at 14:00; returned in UTC.
    """
    zone = zoneinfo.ZoneInfo(time_zone)
    picks: list[tuple[datetime, datetime]] = []
    day = start
    while len(picks) < count:
        weekday = day.weekday()
        at = time(11) if weekday == 5 else time(14) if weekday == 6 else time(18)
        local = datetime.combine(day, at, tzinfo=zone)
        picks.append(
            (
                local.astimezone(zoneinfo.ZoneInfo("UTC")),
                (local + timedelta(hours=hours)).astimezone(zoneinfo.ZoneInfo("UTC")),
            )
        )
        day += timedelta(days=1)
    return picks
