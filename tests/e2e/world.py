"""Scripts run in ``cashmob shell`` against the served database to set journeys up.

They make what a journey stands on, never what it tests: people, a chapter's roles, a mob
already at the stage the journey starts from. Each prints one JSON line with what it made.
The journeys use Cash Mob Buffalo from the demo world: English, US dollars, New York time.
"""

from __future__ import annotations

import json

from .support import Server

CHAPTER = "buffalo"

_PEOPLE = """
import json
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from cashmob.accounts.models import User
from cashmob.chapters.models import Chapter, Membership
chapter = Chapter.objects.get(slug="buffalo")
password = make_password("cashmob-demo")
made = {}
for key, (name, role) in json.loads(PEOPLE).items():
    email = f"{key}@e2e.example"
    user, _ = User.objects.get_or_create(
        email=email, defaults={"display_name": name, "language": "en", "password": password,
                               "home_chapter": chapter})
    EmailAddress.objects.update_or_create(user=user, email=email,
                                          defaults={"verified": True, "primary": True})
    if role:
        Membership.objects.update_or_create(chapter=chapter, user=user, defaults={"role": role})
    made[key] = email
print(json.dumps(made))
"""


def people(server: Server, prefix: str, roles: dict[str, str]) -> dict[str, str]:
    """Verified accounts ``<prefix>-<name>@e2e.example`` with a role in Cash Mob Buffalo.

    ``roles`` maps a short name to "organiser", "member" or "" (no membership).
    """
    wanted = {f"{prefix}-{name}": (name.title(), role) for name, role in roles.items()}
    made = server.shell(f"PEOPLE = {json.dumps(json.dumps(wanted))}\n{_PEOPLE}")
    return {name: made[f"{prefix}-{name}"] for name in roles}


_SHOPS = """
import json
from decimal import Decimal
from cashmob.businesses.models import Business
from cashmob.chapters.models import Chapter
chapter = Chapter.objects.get(slug="buffalo")
made = {}
for i, (slug, name) in enumerate(json.loads(SHOPS).items()):
    Business.objects.get_or_create(slug=slug, defaults=dict(
        chapter=chapter, name=name, address=f"{100 + i} Main St", city="Buffalo",
        country="US", latitude=Decimal("42.8864"), longitude=Decimal("-78.8784") + Decimal(i) / 100,
        category=Business.Category.BOOKS, contact_email=f"hello@{slug}.example",
        locally_owned=True, independent=True, items_within_pledge=True, can_take_crowd=True,
        status=Business.Status.ACTIVE))
    made[name] = f"hello@{slug}.example"
print(json.dumps(made))
"""


def shops(server: Server, prefix: str, names: tuple[str, ...]) -> dict[str, str]:
    """Active shops of Cash Mob Buffalo never mobbed yet, named ``<name> <prefix>``; maps
    each name to its contact email (where the consent requests go)."""
    wanted = {f"{prefix}-{i}": f"{name} {prefix}" for i, name in enumerate(names)}
    return server.shell(f"SHOPS = {json.dumps(json.dumps(wanted))}\n{_SHOPS}")


_MOB = """
import json, secrets
from datetime import timedelta
from decimal import Decimal
from django.core import signing
from django.utils import timezone
from cashmob.accounts.models import User
from cashmob.businesses.models import Business
from cashmob.chapters.models import Chapter
from cashmob.checkin.codes import mob_code
from cashmob.mobs.consent import CONSENT_SALT
from cashmob.mobs.models import Consent, ConsentRequest, Mob, MobStatus
from cashmob.rsvps.services import rsvp_create
spec = json.loads(SPEC)
chapter = Chapter.objects.get(slug="buffalo")
organiser = User.objects.get(email=spec["organiser"])
# Each mob has a shop of its own, never mobbed: a shop holds one mob at a time and then
# rests (the rotation), so journeys never share one.
business, _ = Business.objects.get_or_create(slug=f"e2e-shop-{spec['slug']}", defaults=dict(
    chapter=chapter, name=f"Shop of {spec['title']}", address="1 Main St", city="Buffalo",
    country="US", latitude=Decimal("42.8864"), longitude=Decimal("-78.8784"),
    category=Business.Category.BOOKS, contact_email="owner@shop.example",
    locally_owned=True, independent=True, items_within_pledge=True, can_take_crowd=True,
    status=Business.Status.ACTIVE))
# RSVPs close at the start: a mob that is live already is made in the future, then moved.
starts = timezone.now() + timedelta(minutes=max(spec["starts_in_minutes"], 30))
mob = Mob.objects.create(
    chapter=chapter, business=business, title=spec["title"], slug=spec["slug"],
    description="A journey of the end-to-end suite.", starts_at=starts,
    ends_at=starts + timedelta(hours=2), meeting_point="Outside the front door",
    pledge_minor=2000, currency="USD", capacity=spec.get("capacity"),
    status=MobStatus.PUBLISHED, business_consent=Consent.ACCEPTED, consent_at=timezone.now(),
    published_at=timezone.now(), created_by=organiser)
request = ConsentRequest.objects.create(
    mob=mob, business=business, nonce=secrets.token_urlsafe(24), sent_to="owner@shop.example",
    expires_at=timezone.now() + timedelta(days=21), pledge_minor=mob.pledge_minor,
    currency=mob.currency, answer=Consent.ACCEPTED, answered_at=timezone.now())
for email in spec.get("rsvps", []):
    rsvp_create(mob=mob, user=User.objects.get(email=email), pledge_minor=2000, currency="USD")
for name, email in spec.get("guests", []):
    from cashmob.rsvps.services import guest_url, rsvp_confirm_guest, rsvp_create_guest
    guest = rsvp_create_guest(mob=mob, name=name, email=email, pledge_minor=2000, currency="USD")
    rsvp_confirm_guest(token=guest_url(guest).rstrip("/").rsplit("/", 1)[-1])
if spec["starts_in_minutes"] <= 0:
    from cashmob.mobs.services import mob_transition
    starts = timezone.now() + timedelta(minutes=spec["starts_in_minutes"])
    Mob.objects.filter(pk=mob.pk).update(starts_at=starts, ends_at=starts + timedelta(hours=2))
    mob.refresh_from_db()
    mob_transition(mob=mob, to=MobStatus.LIVE, actor=None)
if spec["reports"]:
    import uuid
    from cashmob.checkin.services import checkin_record, mobs_close_due, spend_report_submit
    during = mob.starts_at + timedelta(minutes=10)
    for email, amount in spec["reports"]:
        user = User.objects.get(email=email)
        checkin_record(mob=mob, actor=user, code=mob_code(mob), now=during)
        spend_report_submit(mob=mob, actor=user, amount=amount, currency="USD",
                            idempotency_key=uuid.uuid4(), now=during)
if spec["close"]:
    mobs_close_due()
if spec["confirm"]:
    from cashmob.checkin.services import owner_confirm_total
    owner_confirm_total(consent_request=request, total=spec["confirm"])
token = signing.dumps({"n": request.nonce}, salt=CONSENT_SALT, compress=True)
print(json.dumps({"slug": mob.slug, "code": mob_code(mob), "owner_token": token,
                  "shop": business.name}))
"""


def published_mob(
    server: Server,
    *,
    organiser: str,
    slug: str,
    starts_in_minutes: int,
    capacity: int | None = None,
    rsvps: tuple[str, ...] = (),
    guests: tuple[tuple[str, str], ...] = (),
    reports: tuple[tuple[str, str], ...] = (),
    close: bool = False,
    confirm: str = "",
) -> dict[str, str]:
    """A published mob in Buffalo whose shop already said yes; RSVPs made through services
    (``guests`` are ``(name, email)`` who said yes without an account and confirmed by email).

    A start in the past makes it live (RSVPs are made before it is moved); ``reports`` are
    ``(email, amount)`` checked in and reported during the mob; ``close`` runs the closing
    job, which closes a mob that ended more than the grace period ago; ``confirm`` records
    the shop's till total through the service its private page calls.
    """
    spec = {
        "organiser": organiser,
        "slug": slug,
        "title": f"E2E mob {slug}",
        "starts_in_minutes": starts_in_minutes,
        "capacity": capacity,
        "rsvps": list(rsvps),
        "guests": [list(g) for g in guests],
        "reports": [list(r) for r in reports],
        "close": close,
        "confirm": confirm,
    }
    return server.shell(f"SPEC = {json.dumps(json.dumps(spec))}\n{_MOB}")
