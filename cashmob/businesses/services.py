"""Writes on businesses: nominations (with duplicate merging), profiles, claims, exclusion."""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cashmob.businesses.exceptions import (
    BusinessConflictError,
    BusinessError,
    BusinessPermissionError,
    ClaimError,
    NominationLimitError,
)
from cashmob.businesses.geo import bounding_box, haversine_km
from cashmob.businesses.models import Business, BusinessFollow, ClaimInvitation, Nomination
from cashmob.businesses.selectors import business_language
from cashmob.chapters.models import Chapter, Membership
from cashmob.chapters.selectors import is_chapter_organiser
from cashmob.core.audit import audit_record
from cashmob.core.email import email_enqueue
from cashmob.core.links import absolute_url, nonce_token, token_nonce
from cashmob.core.slugs import save_with_unique_slug

if TYPE_CHECKING:
    from cashmob.accounts.models import User

#: Everything the nomination form collects about the shop itself.
BUSINESS_FIELDS = (
    "name",
    "description",
    "category",
    "address",
    "city",
    "postcode",
    "country",
    "latitude",
    "longitude",
    "website",
    "contact_email",
    "contact_phone",
    "opening_hours",
    "price_range",
    "accessibility_notes",
    "transport_notes",
)
CHECKLIST_FIELDS = (
    "locally_owned",
    "independent",
    "items_within_pledge",
    "can_take_crowd",
    "gives_back",
)
#: Answers that make a shop ineligible when "no" (giving back is welcome, not required).
REQUIRED_YES = ("locally_owned", "independent", "items_within_pledge", "can_take_crowd")
#: Two shops with the same name closer than this are taken to be the same shop.
DUPLICATE_RADIUS_KM = 0.3
CLAIM_SALT = "cashmob.businesses.claim"
CLAIM_MAX_AGE = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class NominationResult:
    business: Business
    nomination: Nomination
    merged: bool


def normalise_name(name: str) -> str:
    """Compare shop names without case, accents, punctuation or a leading article."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    letters = "".join(c for c in decomposed if c.isalnum() or c.isspace())
    words = [
        w
        for w in letters.split()
        if w not in {"the", "le", "la", "les", "der", "die", "das", "il", "lo"}
    ]
    return " ".join(words)


def website_key_of(url: str) -> str:
    """``url`` as :attr:`Business.website_key` keeps it: lower case, without scheme,
    ``www.`` or slashes, so "https://www.Example.com/shop/" and "example.com/shop" meet."""
    key = url.strip().lower()
    for part in ("https://", "http://", "www.", "/"):
        key = key.replace(part, "")
    return key


def business_find_duplicate(
    *, name: str, website: str, latitude: Decimal, longitude: Decimal
) -> Business | None:
    """The listed shop this nomination most likely describes, if any.

    Same website (ignoring scheme, ``www.`` and trailing slash), or same name within
    :data:`DUPLICATE_RADIUS_KM`. Removed businesses are not matched.
    """
    active = Business.objects.exclude(status=Business.Status.REMOVED)
    key = website_key_of(website)
    if key:
        # Through the index on the key the database keeps, however many shops there are.
        same_site = active.filter(website_key=key).order_by("id").first()
        if same_site is not None:
            return same_site
    box = bounding_box(float(latitude), float(longitude), DUPLICATE_RADIUS_KM)
    target = normalise_name(name)
    nearby = active.filter(
        latitude__gte=box.min_lat,
        latitude__lte=box.max_lat,
        longitude__gte=box.min_lng,
        longitude__lte=box.max_lng,
    ).only("id", "name", "latitude", "longitude")[:200]
    for candidate in nearby:
        if normalise_name(candidate.name) == target and (
            haversine_km(
                float(latitude),
                float(longitude),
                float(candidate.latitude),
                float(candidate.longitude),
            )
            <= DUPLICATE_RADIUS_KM
        ):
            return Business.objects.get(pk=candidate.pk)
    return None


def _check_rate_limits(*, user: User, chapter: Chapter) -> None:
    now = timezone.now()
    per_user = settings.CASHMOB_NOMINATIONS_PER_USER_PER_DAY
    per_chapter = settings.CASHMOB_NOMINATIONS_PER_CHAPTER_PER_HOUR
    if Nomination.objects.filter(user=user, created_at__gte=now - timedelta(days=1)).count() >= (
        per_user
    ):
        raise NominationLimitError(
            _("You have nominated %(n)s shops today. Please come back tomorrow.") % {"n": per_user},
            code="rate_limited_user",
        )
    if (
        Nomination.objects.filter(chapter=chapter, created_at__gte=now - timedelta(hours=1)).count()
        >= per_chapter
    ):
        raise NominationLimitError(
            _("This chapter received many nominations in the last hour. Try again later."),
            code="rate_limited_chapter",
        )


def _check_checklist(data: dict[str, Any]) -> None:
    missing = [f for f in CHECKLIST_FIELDS if data.get(f) is None]
    if missing:
        raise BusinessError(
            _("Answer every question of the eligibility checklist."),
            code="checklist_incomplete",
            field=missing[0],
        )
    for field in REQUIRED_YES:
        if not data[field]:
            raise BusinessError(
                _(
                    "Cash mobs are for independent, locally owned shops that sell things "
                    "within the pledge and can take a crowd. This one does not qualify."
                ),
                code="not_eligible",
                field=field,
            )


@transaction.atomic
def business_nominate(
    *,
    user: User,
    chapter: Chapter,
    data: dict[str, Any],
    reason: str = "",
    interest: str = Nomination.Interest.NONE,
    interest_note: str = "",
) -> NominationResult:
    """Nominate a shop for ``chapter``; a shop already listed gains a nomination instead.

    The chapter row is locked first, so two people nominating the same new shop at the
    same moment produce one business with two nominations, not two businesses.
    """
    Chapter.objects.select_for_update(of=("self",)).filter(pk=chapter.pk).first()
    if chapter.status != Chapter.Status.ACTIVE:
        raise BusinessError(_("This chapter is not active."), code="chapter_not_active")
    if not Membership.objects.filter(chapter=chapter, user=user).exists():
        raise BusinessPermissionError(_("Join the chapter to nominate shops."), code="not_member")
    if not EmailAddress.objects.filter(user=user, verified=True).exists():
        raise BusinessPermissionError(
            _("Verify your email address before nominating shops."), code="not_verified"
        )
    if interest not in Nomination.Interest.values:
        raise BusinessError(
            _("Choose your interest in the shop."), code="invalid_interest", field="interest"
        )
    _check_checklist(data)
    _check_rate_limits(user=user, chapter=chapter)

    existing = business_find_duplicate(
        name=data["name"],
        website=data.get("website", ""),
        latitude=data["latitude"],
        longitude=data["longitude"],
    )
    if existing is not None:
        if existing.status == Business.Status.EXCLUDED:
            raise BusinessConflictError(
                _("%(name)s has asked not to be mobbed.") % {"name": existing.name},
                code="excluded",
            )
        if Nomination.objects.filter(business=existing, user=user).exists():
            raise BusinessConflictError(
                _("You have already nominated %(name)s.") % {"name": existing.name},
                code="already_nominated",
            )
        business, merged = existing, True
    else:
        fields = {f: data[f] for f in BUSINESS_FIELDS if f in data and data[f] is not None}
        checklist = {f: bool(data[f]) for f in CHECKLIST_FIELDS}
        business = Business(
            **fields,
            **checklist,
            chapter=chapter,
            nominated_by=user,
            status=Business.Status.NOMINATED,
        )
        business.full_clean(exclude=["slug"])
        save_with_unique_slug(
            business, f"{data['name']} {data['city']}", fallback="shop", max_length=120
        )
        merged = False
    nomination = Nomination.objects.create(
        business=business,
        user=user,
        chapter=chapter,
        reason=reason,
        interest=interest,
        interest_note=interest_note if interest != Nomination.Interest.NONE else "",
    )
    Business.objects.filter(pk=business.pk).update(nomination_count=F("nomination_count") + 1)
    business.refresh_from_db()
    audit_record(
        actor=user,
        action="business.merge_nomination" if merged else "business.nominate",
        obj=business,
        data={"interest": interest},
    )
    return NominationResult(business=business, nomination=nomination, merged=merged)


def can_edit_business(*, business: Business, user: User | None) -> bool:
    """Owners and moderators edit a claimed profile; organisers may edit an unclaimed one."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    if business.owner_id is not None:
        return business.owner_id == user.pk
    return is_chapter_organiser(chapter=business.chapter, user=user) or (
        business.nominated_by_id == user.pk
    )


EDITABLE_FIELDS = tuple(f for f in BUSINESS_FIELDS if f != "country")


@transaction.atomic
def business_update(*, business: Business, actor: User, data: dict[str, Any]) -> Business:
    if not can_edit_business(business=business, user=actor):
        raise BusinessPermissionError(
            _("Only the shop's owner or a moderator can edit this profile."),
            code="not_allowed",
        )
    is_owner = business.owner_id is not None and business.owner_id == actor.pk
    if (
        "contact_email" in data
        and data["contact_email"] != business.contact_email
        and not (actor.is_staff or is_owner)
    ):
        # The contact address receives the claim link and the consent requests: whoever
        # could change it could claim the shop or say yes on its behalf.
        raise BusinessPermissionError(
            _("Only the shop's owner or a moderator can change its contact email."),
            code="contact_email_locked",
            field="contact_email",
        )
    changed = {}
    for field in EDITABLE_FIELDS:
        if field in data and getattr(business, field) != data[field]:
            changed[field] = str(data[field])
            setattr(business, field, data[field])
    if changed:
        business.full_clean()
        business.save()
        if "contact_email" in changed:
            # Links already sent to the old address stop working.
            ClaimInvitation.objects.filter(business=business, used_at__isnull=True).delete()
            from cashmob.mobs.models import ConsentRequest

            ConsentRequest.objects.filter(business=business, superseded=False).exclude(
                answer="accepted"
            ).update(superseded=True)
        audit_record(actor=actor, action="business.update", obj=business, data=changed)
    return business


@transaction.atomic
def business_exclude(*, business: Business, actor: User, reason: str = "") -> Business:
    """The owner (or a moderator) takes the shop out of every future vote, for good.

    Votes still open keep it on their ballot, marked withdrawn: it can no longer win.
    Mobs still being planned around it lose it and choose again; a mob the shop has
    been asked about or agreed to is the shop's to answer or decline.
    """
    from cashmob.mobs.models import Mob, MobStatus

    if not (actor.is_staff or (business.owner_id is not None and business.owner_id == actor.pk)):
        raise BusinessPermissionError(
            _("Only the shop's owner or a moderator can do this."), code="not_allowed"
        )
    Business.objects.filter(pk=business.pk).update(
        status=Business.Status.EXCLUDED, updated_at=timezone.now()
    )
    Mob.objects.filter(business=business, status=MobStatus.PLANNING).update(
        business=None, updated_at=timezone.now()
    )
    business.refresh_from_db()
    audit_record(actor=actor, action="business.exclude", obj=business, data={"reason": reason})
    return business


def claim_url(invitation: ClaimInvitation) -> str:
    token = nonce_token(invitation.nonce, salt=CLAIM_SALT)
    return absolute_url("businesses:claim", token=token)


@transaction.atomic
def claim_invite(*, business: Business, requested_by: User | None) -> ClaimInvitation:
    """Email the shop's contact address a private, single-use link to claim its profile.

    Only the contact email on file receives it, so only the shop can claim the profile.
    """
    if not business.contact_email:
        raise ClaimError(
            _("This shop has no contact email, so it cannot be claimed online yet."),
            code="no_contact_email",
        )
    if business.owner_id is not None:
        raise BusinessConflictError(_("This profile is already claimed."), code="already_claimed")
    recent = ClaimInvitation.objects.filter(
        business=business, used_at__isnull=True, created_at__gte=timezone.now() - timedelta(hours=1)
    )
    if recent.exists():
        raise NominationLimitError(
            _("A claim link was sent to the shop less than an hour ago."), code="claim_recent"
        )
    invitation = ClaimInvitation.objects.create(
        business=business,
        email=business.contact_email,
        nonce=secrets.token_urlsafe(24),
        requested_by=requested_by,
    )
    email_enqueue(
        to=[business.contact_email],
        template="businesses/claim",
        context={
            "business_name": business.name,
            "claim_url": claim_url(invitation),
            "days": CLAIM_MAX_AGE.days,
        },
        language=business_language(business),
    )
    audit_record(actor=requested_by, action="business.claim_invite", obj=business)
    return invitation


def claim_check(*, token: str) -> ClaimInvitation:
    """The invitation a claim link names, if the link is genuine, fresh and unused."""
    try:
        nonce = token_nonce(token, salt=CLAIM_SALT, max_age=CLAIM_MAX_AGE)
    except signing.SignatureExpired:
        raise ClaimError(
            _("This claim link has expired. Ask for a new one from the shop's page."),
            code="claim_expired",
        ) from None
    if nonce is None:
        raise ClaimError(_("This claim link is not valid."), code="claim_invalid")
    invitation = (
        ClaimInvitation.objects.select_related("business", "business__chapter")
        .filter(nonce=nonce)
        .first()
    )
    if invitation is None:
        raise ClaimError(_("This claim link is not valid."), code="claim_invalid")
    if invitation.used_at is not None:
        raise ClaimError(_("This claim link has already been used."), code="claim_used")
    return invitation


@transaction.atomic
def claim_accept(*, token: str, user: User) -> Business:
    """Make ``user`` the owner of the business the link was sent for. Single use."""
    invitation = claim_check(token=token)
    now = timezone.now()
    used = ClaimInvitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(
        used_at=now, used_by=user
    )
    if used != 1:
        raise ClaimError(_("This claim link has already been used."), code="claim_used")
    claimed = Business.objects.filter(pk=invitation.business_id, owner__isnull=True).update(
        owner=user, claimed_at=now, updated_at=now
    )
    if claimed != 1:
        raise BusinessConflictError(_("This profile is already claimed."), code="already_claimed")
    business = Business.objects.get(pk=invitation.business_id)
    audit_record(actor=user, action="business.claim", obj=business)
    return business


def business_follow(*, business: Business, user: User) -> BusinessFollow:
    """``user`` follows the shop's news (new mobs, results). Following twice is harmless."""
    if business.status == Business.Status.REMOVED:
        raise BusinessError(_("This shop is no longer listed."), code="removed")
    follow, _created = BusinessFollow.objects.get_or_create(business=business, user=user)
    return follow


def business_unfollow(*, business: Business, user: User) -> bool:
    """Stop following; returns whether a follow existed. Unfollowing twice is harmless."""
    deleted, _rows = BusinessFollow.objects.filter(business=business, user=user).delete()
    return deleted > 0
