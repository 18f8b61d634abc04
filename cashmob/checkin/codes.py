"""Check-in codes: the shop's short mob code and each participant's personal code.

Both are derived from the secret key with an HMAC, so nothing needs storing and a code
cannot be guessed from another one. Letters and digits that people confuse (0/O, 1/I/L,
2/Z, 5/S, 8/B) are left out, and typing is forgiving about case and spaces.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import segno
from django.conf import settings
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from cashmob.mobs.models import Mob
    from cashmob.rsvps.models import Rsvp

ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
MOB_CODE_LENGTH = 6
PERSONAL_SIG_LENGTH = 8
_MOB_SALT = "cashmob.checkin.mob_code"
_PERSONAL_SALT = "cashmob.checkin.personal_code"
_PERSONAL = re.compile(rf"^(\d{{1,18}})-([A-Z0-9]{{{PERSONAL_SIG_LENGTH}}})$")


def _encode(digest: bytes, length: int) -> str:
    number = int.from_bytes(digest, "big")
    chars = []
    for _ in range(length):
        number, index = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[index])
    return "".join(chars)


def normalise(text: str) -> str:
    """What was typed or scanned, as a bare code: a scanned link gives its ``code``."""
    text = (text or "").strip()
    if "://" in text:
        values = parse_qs(urlsplit(text).query).get("code") or [""]
        text = values[0]
    return re.sub(r"[\s_.]", "", text).upper()[:40]


def mob_code(mob: Mob) -> str:
    """The mob's short code, shown in the shop during the mob."""
    digest = salted_hmac(_MOB_SALT, f"{mob.pk}:{mob.slug}", algorithm="sha256").digest()
    return _encode(digest, MOB_CODE_LENGTH)


def is_mob_code(mob: Mob, text: str) -> bool:
    return constant_time_compare(normalise(text), mob_code(mob))


def personal_code(rsvp: Rsvp) -> str:
    """A participant's own code: the RSVP's number and a signature of its private nonce."""
    digest = salted_hmac(_PERSONAL_SALT, rsvp.nonce, algorithm="sha256").digest()
    return f"{rsvp.pk}-{_encode(digest, PERSONAL_SIG_LENGTH)}"


def personal_code_rsvp_id(text: str) -> int | None:
    """The RSVP a personal code claims to be for (not yet verified), or None."""
    match = _PERSONAL.match(normalise(text))
    return int(match.group(1)) if match else None


def personal_code_valid(rsvp: Rsvp, text: str) -> bool:
    return constant_time_compare(normalise(text), personal_code(rsvp))


def personal_qr_payload(mob: Mob, rsvp: Rsvp) -> str:
    """What the QR code holds: the scan page's address with the code, so that a phone's own
    camera app also leads an organiser to the right page."""
    path = reverse("checkin:scan", kwargs={"slug": mob.slug})
    return f"{settings.SITE_URL}{path}?code={personal_code(rsvp)}"


def qr_svg(payload: str, *, scale: int = 5) -> SafeString:
    """An inline SVG QR code (no external image, readable without JavaScript)."""
    code = segno.make(payload, error="m")
    svg = code.svg_inline(scale=scale, border=2, dark="#000", light="#fff", omitsize=True)
    # segno escapes the payload; the markup is its own.
    return mark_safe(svg)  # noqa: S308
