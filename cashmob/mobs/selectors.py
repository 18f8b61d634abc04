"""Reads on mobs, with their joins decided."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, IntegerField, Min, Q, Value, When
from django.http import Http404
from django.utils import timezone

from cashmob.businesses.geo import haversine_km
from cashmob.businesses.models import Business
from cashmob.chapters.selectors import is_chapter_organiser
from cashmob.core.models import AuditEntry
from cashmob.mobs.models import ConsentRequest, Mob, MobQuerySet, MobStatus
from cashmob.mobs.rotation import rotation_get

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cashmob.accounts.models import User

PUBLIC_STATUSES = (
    MobStatus.PUBLISHED,
    MobStatus.LIVE,
    MobStatus.CLOSED,
    MobStatus.REPORTED,
    MobStatus.CANCELLED,
)


def mob_list_public() -> MobQuerySet:
    return Mob.objects.filter(
        status__in=PUBLIC_STATUSES, published_at__isnull=False
    ).select_related("chapter", "business")


def _chapters_first(mobs: MobQuerySet, chapter_ids: Sequence[int]) -> MobQuerySet:
    """Mobs of ``chapter_ids`` first, in that order of chapters (nearest first), then
    others; soonest first within each."""
    if not chapter_ids:
        return mobs.order_by("starts_at")
    rank = Case(
        *(When(chapter_id=pk, then=Value(i)) for i, pk in enumerate(chapter_ids)),
        default=Value(len(chapter_ids)),
        output_field=IntegerField(),
    )
    return mobs.alias(chapter_rank=rank).order_by("chapter_rank", "starts_at")


def mob_list_live(*, chapter_ids: Sequence[int] = (), limit: int = 6) -> list[Mob]:
    """Mobs happening now, those of ``chapter_ids`` first (nearest first), then by start."""
    return list(_chapters_first(mob_list_public().live(), chapter_ids)[:limit])


def mob_list_upcoming(*, chapter_ids: Sequence[int] = (), limit: int = 6) -> list[Mob]:
    """Published mobs that have not started yet (those happening now are listed apart),
    soonest first; those of ``chapter_ids`` come first, in that order of chapters."""
    upcoming = (
        mob_list_public()
        .not_live()
        .filter(status__in=(MobStatus.PUBLISHED, MobStatus.LIVE), ends_at__gt=timezone.now())
    )
    return list(_chapters_first(upcoming, chapter_ids)[:limit])


def mob_list_recent_results(*, limit: int = 6) -> list[Mob]:
    return list(
        mob_list_public()
        .filter(status__in=(MobStatus.CLOSED, MobStatus.REPORTED))
        .order_by("-starts_at")[:limit]
    )


def access_mob(*, slug: str, user: User | AnonymousUser | None) -> Mob:
    """The mob page's mob: public mobs for everyone, others for the chapter's organisers."""
    mob = Mob.objects.select_related("chapter", "business").filter(slug=slug).first()
    if mob is None:
        raise Http404
    if mob.is_public:
        return mob
    if is_chapter_organiser(chapter=mob.chapter, user=user):
        return mob
    raise Http404


def mob_moved_to(*, slug: str, user: User | AnonymousUser | None) -> Mob | None:
    """The mob that had the address ``slug`` before it was published as a secret, if
    ``user`` may follow the old link: its organisers always; others once the shop is
    revealed (the old address names the shop, so it must not lead to the secret mob)."""
    mob = Mob.objects.select_related("chapter").filter(former_slug=slug).first()
    if mob is None:
        return None
    if is_chapter_organiser(chapter=mob.chapter, user=user):
        return mob
    if mob.is_public and not mob.is_secret_at(timezone.now()):
        return mob
    return None


# --- The organiser dashboard ------------------------------------------------------------------


@dataclass
class Dashboard:
    """Everything the organiser dashboard shows, read in a fixed number of queries."""

    mob: Mob
    votes: list[Any]
    polls: list[Any]
    candidates: list[Any]
    ballots_so_far: int
    ranking: list[Any]
    eligible: list[Business]
    #: Shops the mob cannot choose now (taken by another mob or resting), with why.
    unavailable: list[Business]
    venues: list[tuple[Business, float | None]]
    requests: list[ConsentRequest]
    history: list[AuditEntry]
    messages: list[Any]  # rows of values(): event_key, template, recipients, delivered
    member_count: int

    @property
    def vote(self) -> Any:
        return self.votes[0] if self.votes else None

    @property
    def poll(self) -> Any:
        return self.polls[0] if self.polls else None

    @property
    def consent(self) -> ConsentRequest | None:
        return next((r for r in self.requests if r.kind == r.Kind.MOB and not r.superseded), None)

    @property
    def reschedule(self) -> ConsentRequest | None:
        """The live request to move a published mob to a new time, if any."""
        return next(
            (r for r in self.requests if r.kind == r.Kind.RESCHEDULE and not r.superseded), None
        )

    @property
    def after_party(self) -> ConsentRequest | None:
        return next(
            (r for r in self.requests if r.kind == r.Kind.AFTER_PARTY and not r.superseded), None
        )


def access_mob_for_organisers(*, slug: str, user: User | None) -> Mob:
    """The mob, for its chapter's organisers (and staff) only: 404 if unknown, 403 else."""
    mob = (
        Mob.objects.select_related("chapter", "business", "after_party_business")
        .filter(slug=slug)
        .first()
    )
    if mob is None:
        raise Http404
    if not is_chapter_organiser(chapter=mob.chapter, user=user):
        raise PermissionDenied
    return mob


def _km(a: Business | None, b: Business) -> float | None:
    if a is None or a.latitude is None or b.latitude is None:
        return None
    return haversine_km(
        float(a.latitude), float(a.longitude), float(b.latitude), float(b.longitude)
    )


AFTER_PARTY_RADIUS_KM = 3.0
AFTER_PARTY_CHOICES = 30


def _after_party_venues(mob: Mob) -> list[tuple[Business, float | None]]:
    """Venues for drinks after the mob: the chapter's listed places nearest the shop
    (an index-backed search, however many shops the chapter has), and the one chosen."""
    from cashmob.businesses.selectors import business_search

    open_to_ask = (Business.Status.NOMINATED, Business.Status.ACTIVE)
    shop = mob.business
    if shop is not None and shop.latitude is not None and shop.longitude is not None:
        hits = business_search(
            chapter=mob.chapter,
            near=(float(shop.latitude), float(shop.longitude)),
            radius_km=AFTER_PARTY_RADIUS_KM,
            limit=AFTER_PARTY_CHOICES + 1,
        )
        venues = [(h.business, h.distance_km) for h in hits if h.business.status in open_to_ask]
    else:
        places = Business.objects.filter(chapter=mob.chapter, status__in=open_to_ask)
        venues = [(b, None) for b in places.order_by("name")[: AFTER_PARTY_CHOICES + 1]]
    venues = [(b, km) for b, km in venues if b.pk != mob.business_id][:AFTER_PARTY_CHOICES]
    chosen = mob.after_party_business
    if chosen is not None and all(b.pk != chosen.pk for b, _km in venues):
        venues.append((chosen, _km(shop, chosen)))
    return venues


def mob_dashboard_get(*, mob: Mob) -> Dashboard:
    """The organiser's view of one mob: votes, polls, requests to the shop, what was sent."""
    from cashmob.notifications.models import Notification
    from cashmob.voting.models import Ballot, DatePoll, ShopVote
    from cashmob.voting.selectors import date_poll_ranking, vote_candidates

    votes = list(ShopVote.objects.filter(mob=mob).select_related("winner", "mob__chapter"))
    polls = list(DatePoll.objects.filter(mob=mob).select_related("chosen"))
    vote = votes[0] if votes else None
    poll = polls[0] if polls else None
    candidates = vote_candidates(vote=vote) if vote else []
    ballots = Ballot.objects.filter(vote=vote).count() if vote and vote.status == "open" else 0
    ranking = date_poll_ranking(poll=poll) if poll else []
    rotation = rotation_get(chapter=mob.chapter, mob=mob)
    nearby = _after_party_venues(mob)
    requests = list(
        ConsentRequest.objects.filter(mob=mob)
        .select_related("business", "sent_by")
        .prefetch_related("answers")
    )
    targets = Q(object_type="mobs.mob", object_id=str(mob.pk))
    if votes:
        targets |= Q(object_type="voting.shopvote", object_id__in=[str(v.pk) for v in votes])
    if polls:
        targets |= Q(object_type="voting.datepoll", object_id__in=[str(p.pk) for p in polls])
    history = list(AuditEntry.objects.filter(targets).select_related("actor")[:60])
    keys = Q(event_key__startswith=f"mob:{mob.pk}:")
    for v in votes:
        keys |= Q(event_key__startswith=f"vote:{v.pk}:")
    for p in polls:
        keys |= Q(event_key__startswith=f"poll:{p.pk}:")
    for r in requests:
        keys |= Q(event_key__startswith=f"consent:{r.pk}:")
    sent = list(
        Notification.objects.filter(keys)
        .values("event_key", "template")
        .annotate(
            recipients=Count("id"),
            delivered=Count("id", filter=Q(sent_at__isnull=False)),
            first_at=Min("created_at"),
        )
        .order_by("-first_at")
    )
    return Dashboard(
        mob=mob,
        votes=votes,
        polls=polls,
        candidates=candidates,
        ballots_so_far=ballots,
        ranking=ranking,
        eligible=rotation.available,
        unavailable=rotation.unavailable,
        venues=nearby,
        requests=requests,
        history=history,
        messages=sent,
        member_count=mob.chapter.memberships.count(),
    )
