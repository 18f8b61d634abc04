"""Calendar files for mobs, built with the icalendar library, time zones included."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from cashmob.core import dates
from cashmob.mobs.models import Mob, MobStatus
from cashmob.mobs.services import mob_url

PRODID = "-//Cashmob//cashmob//EN"
#: Every file is a publication (RFC 5546): the same method the email attachment's
#: Content-Type names, as RFC 6047 requires them to match.
METHOD = "PUBLISH"
CONTENT_TYPE = f"text/calendar; charset=utf-8; method={METHOD}"


def mob_uid(mob: Mob) -> str:
    """Stable for the mob and unique to this installation: another site's mob number 1
    never overwrites this one in somebody's calendar."""
    return f"mob-{mob.pk}@{urlsplit(settings.SITE_URL).hostname or 'localhost'}"


def _location(mob: Mob, *, now: datetime) -> str:
    if mob.business is not None and not mob.is_secret_at(now):
        return f"{mob.business.name}, {mob.business.address}, {mob.business.city}"
    return mob.meeting_point


def _description(mob: Mob, *, now: datetime) -> str:
    """What the event says in the calendar: the time first, written as the pages and emails
    write it in the active language, since a calendar shows DTSTART in the reader's own zone."""
    description = mob.public_description(now)
    lines = []
    if mob.starts_at is not None:
        lines.append(dates.format_range(mob.starts_at, mob.ends_at, mob.chapter.time_zone))
    if description:
        lines.append(description)
    lines.append(f"{mob.pledge.format(mob.chapter.language)} · {mob.meeting_point}")
    if mob.notes_for_mobbers:
        lines.append(mob.notes_for_mobbers)
    lines.append(mob_url(mob))
    return "\n".join(lines)


def mob_event(mob: Mob, *, now: datetime | None = None) -> Event:
    now = now or timezone.now()
    zone = ZoneInfo(mob.chapter.time_zone)
    event = Event()
    event.add("uid", mob_uid(mob))
    event.add("summary", mob.public_title(now))
    if mob.starts_at is None or mob.ends_at is None:
        raise ValueError("A mob without a time has no calendar event.")
    # Local times with their zone, so calendars show the chapter's wall-clock time.
    event.add("dtstart", mob.starts_at.astimezone(zone))
    event.add("dtend", mob.ends_at.astimezone(zone))
    event.add("dtstamp", now)
    event.add("location", _location(mob, now=now))
    event.add("description", _description(mob, now=now))
    event.add("url", mob_url(mob))
    event.add("status", "CANCELLED" if mob.status == MobStatus.CANCELLED else "CONFIRMED")
    event.add("sequence", mob.sequence)
    return event


def calendar_bytes(mobs: Iterable[Mob], *, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", METHOD)
    calendar.add("x-wr-calname", name)
    for mob in mobs:
        if mob.starts_at is not None and mob.ends_at is not None:
            calendar.add_component(mob_event(mob))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def calendar_links(mob: Mob) -> dict[str, str]:
    """ "Add to calendar" links for common web calendars."""
    if mob.starts_at is None or mob.ends_at is None:
        return {}
    now = timezone.now()
    fmt = "%Y%m%dT%H%M%SZ"
    start = mob.starts_at.astimezone(ZoneInfo("UTC"))
    end = mob.ends_at.astimezone(ZoneInfo("UTC"))
    location = _location(mob, now=now)
    details = _description(mob, now=now)
    google = "https://calendar.google.com/calendar/render?" + urlencode(
        {
            "action": "TEMPLATE",
            "text": mob.public_title(now),
            "dates": f"{start.strftime(fmt)}/{end.strftime(fmt)}",
            "details": details,
            "location": location,
            "ctz": mob.chapter.time_zone,
        }
    )
    outlook = "https://outlook.live.com/calendar/0/deeplink/compose?" + urlencode(
        {
            "subject": mob.public_title(now),
            "startdt": start.isoformat(),
            "enddt": end.isoformat(),
            "body": details,
            "location": location,
            "path": "/calendar/action/compose",
            "rru": "addevent",
        }
    )
    yahoo = "https://calendar.yahoo.com/?" + urlencode(
        {
            "v": "60",
            "title": mob.public_title(now),
            "st": start.strftime(fmt),
            "et": end.strftime(fmt),
            "desc": details,
            "in_loc": location,
        }
    )
    return {"google": google, "outlook": outlook, "yahoo": yahoo}
