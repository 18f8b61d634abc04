"""Reads for "My shop": a signed-in owner's way in to what its emailed links open.

Everything here is permission-checked on the owner: another person gets a 403, an
unknown shop a 404. The pages reached from here are the same as the emailed links':
the answer form records through the same service, the day page is the same page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cashmob.businesses.models import Business
from cashmob.checkin.owner import DAY_STATUSES, owner_url
from cashmob.mobs.consent import consent_open_for_answers
from cashmob.mobs.models import Consent, ConsentRequest, Mob, MobStatus

if TYPE_CHECKING:
    from cashmob.accounts.models import User

PAST_PAGE_SIZE = 10
UPCOMING_STATUSES = (MobStatus.CONFIRMED, MobStatus.PUBLISHED, MobStatus.LIVE)
PAST_STATUSES = (MobStatus.CLOSED, MobStatus.REPORTED)


def business_list_owned(*, user: User) -> QuerySet[Business]:
    """The shops ``user`` owns (claimed), in name order."""
    if not user.is_authenticated:
        return Business.objects.none()
    return (
        Business.objects.filter(owner=user)
        .exclude(status=Business.Status.REMOVED)
        .select_related("chapter")
        .order_by("name", "pk")
    )


def access_owned_business(*, user: User, slug: str) -> Business:
    """The shop ``slug`` if ``user`` owns it: 404 if there is no such shop, 403 if it is
    someone else's."""
    business = Business.objects.select_related("chapter").filter(slug=slug).first()
    if business is None or business.status == Business.Status.REMOVED:
        raise Http404
    if business.owner_id is None or business.owner_id != user.pk:
        raise PermissionDenied
    return business


def access_owned_consent_request(*, user: User, slug: str, pk: int) -> ConsentRequest:
    """A request sent to the shop ``slug`` (as the mob's shop or its after-party venue),
    if ``user`` owns the shop. Whether it is still current is the caller's check
    (:func:`cashmob.mobs.consent.consent_require_current`), as for the emailed link."""
    business = access_owned_business(user=user, slug=slug)
    request = (
        ConsentRequest.objects.select_related(
            "mob__chapter", "business__owner", "business__chapter", "sent_by"
        )
        .filter(pk=pk, business=business)
        .first()
    )
    if request is None:
        raise Http404
    return request


@dataclass(frozen=True)
class MobRow:
    mob: Mob
    day_url: str  # the shop's day page, once it is open (published, with the shop's yes)


@dataclass(frozen=True)
class ShopArea:
    business: Business
    requests: list[ConsentRequest]  # waiting for an answer, or still changeable
    upcoming: list[MobRow]
    past: Page[Mob]  # for the page links
    past_rows: list[MobRow]  # this page's mobs


def shop_area_get(*, business: Business, page: str | int | None = None) -> ShopArea:
    """What the owner of ``business`` needs: requests to answer, upcoming mobs with their
    day pages, past mobs (a page at a time) with the till total the shop confirmed
    (``Mob.confirmed_total``).

    A fixed number of queries whatever the number of mobs (pinned by a test).
    """
    now = timezone.now()
    requests = [
        request
        for request in ConsentRequest.objects.select_related("mob__chapter")
        .filter(business=business, superseded=False, expires_at__gt=now)
        .exclude(answer=Consent.DECLINED)
        .order_by("-created_at", "-pk")
        if consent_open_for_answers(request)
    ]
    mobs = Mob.objects.select_related("chapter").filter(business=business)
    upcoming = list(mobs.filter(status__in=UPCOMING_STATUSES).order_by("starts_at", "pk"))
    past_page = Paginator(
        mobs.filter(status__in=PAST_STATUSES).order_by("-starts_at", "-pk"), PAST_PAGE_SIZE
    ).get_page(page)
    shown = upcoming + list(past_page.object_list)
    accepted = {
        request.mob_id: request
        for request in ConsentRequest.objects.filter(
            Q(mob__in=[mob.pk for mob in shown]),
            business=business,
            kind=ConsentRequest.Kind.MOB,
            answer=Consent.ACCEPTED,
            superseded=False,
        )
    }

    def row(mob: Mob) -> MobRow:
        request = accepted.get(mob.pk)
        open_day = request is not None and mob.status in DAY_STATUSES
        return MobRow(mob=mob, day_url=owner_url(request) if open_day and request else "")

    return ShopArea(
        business=business,
        requests=requests,
        upcoming=[row(mob) for mob in upcoming],
        past=past_page,
        past_rows=[row(mob) for mob in past_page.object_list],
    )
