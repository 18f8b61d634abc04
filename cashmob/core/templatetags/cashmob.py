"""Template helpers shared by every app: money and times in the chapter's zone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

from django import template
from django.template import Context
from django.utils import formats, timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cashmob.core import dates
from cashmob.core.forms import ErrorSummary, form_error_summary
from cashmob.core.money import Money, format_money

if TYPE_CHECKING:
    from django import forms
    from django.core.paginator import Page

register = template.Library()


class _MaySecret(Protocol):
    def is_secret_at(self, moment: datetime) -> bool: ...


class _Titled(Protocol):
    def public_title(self, moment: datetime | None = None, *, language: str = "") -> str: ...


@register.filter
def money(value: Money | None, arg: str = "") -> str:
    """``{{ mob.pledge|money }}``; ``{{ total|money:"whole" }}`` drops ``.00``."""
    if value is None:
        return ""
    return format_money(
        value.amount_minor, value.currency, locale=translation.get_language(), whole=arg == "whole"
    )


@register.simple_tag
def minor(amount_minor: int | None, currency: str, whole: str = "") -> str:
    """``{% minor mob.pledge_minor mob.currency %}`` for a bare integer amount."""
    if amount_minor is None:
        return ""
    return format_money(
        amount_minor, currency, locale=translation.get_language(), whole=whole == "whole"
    )


@register.filter
def in_zone(value: datetime | None, zone: str) -> datetime | None:
    if value is None:
        return None
    return value.astimezone(ZoneInfo(zone))


# Times, all written by cashmob.core.dates in the active language. Each tag takes an aware
# datetime or an ISO 8601 string (task payloads) and the chapter's zone.
Moment = datetime | str | None


def _kept_whole(context: Context, text: str, tail: str) -> str:
    """``text``, its ``tail`` (the hours and the zone) kept on one line in HTML: a phone
    never breaks "11:00–13:00 CET" after the dash. Plain text (``autoescape off``: text
    emails) stays plain."""
    if not context.autoescape or not tail or not text.endswith(tail):
        return text
    return format_html(
        '{}<span style="white-space:nowrap">{}</span>', text[: len(text) - len(tail)], tail
    )


@register.simple_tag(takes_context=True)
def when(context: Context, value: Moment, zone: str) -> str:
    """``{% when mob.reveal_at chapter.time_zone %}``: "Saturday, 12 December 2026, 11:00 CET"."""
    if not value:
        return ""
    return _kept_whole(context, dates.format_when(value, zone), dates.format_time(value, zone))


@register.simple_tag(takes_context=True)
def when_range(context: Context, start: Moment, end: Moment, zone: str) -> str:
    """``{% when_range mob.starts_at mob.ends_at zone %}``: the mob's time, as every page,
    email and calendar file writes it: "Saturday, 12 December 2026, 11:00–13:00 CET"."""
    if not start:
        return ""
    if not end:
        return when(context, start, zone)
    return _kept_whole(
        context,
        dates.format_range(start, end, zone),
        dates.format_clock_range(start, end, zone),
    )


@register.simple_tag
def day_of(value: Moment, zone: str) -> str:
    """``{% day_of value zone %}``: "Saturday, 12 December 2026"."""
    return dates.format_day(value, zone) if value else ""


@register.simple_tag
def clock_of(value: Moment, zone: str) -> str:
    """``{% clock_of value zone %}``: "11:00", where the sentence names the zone apart."""
    return dates.format_clock(value, zone) if value else ""


@register.simple_tag
def date_of(value: Moment, zone: str) -> str:
    """``{% date_of nomination.created_at zone %}``: "12 December 2026"."""
    return dates.format_date(value, zone) if value else ""


@register.simple_tag(takes_context=True)
def time_of(context: Context, value: Moment, zone: str) -> str:
    """``{% time_of value zone %}``: "11:00 CET"."""
    if not value:
        return ""
    time = dates.format_time(value, zone)
    return _kept_whole(context, time, time)


@register.simple_tag(takes_context=True)
def clock_range(context: Context, start: Moment, end: Moment, zone: str) -> str:
    """``{% clock_range start end zone %}``: "11:00–13:00 CET", beside a day shown apart."""
    if not start:
        return ""
    if not end:
        return time_of(context, start, zone)
    hours = dates.format_clock_range(start, end, zone)
    return _kept_whole(context, hours, hours)


@register.simple_tag(takes_context=True)
def stamp(context: Context, value: Moment, zone: str) -> str:
    """``{% stamp entry.at zone %}``, for tables and logs: "12 Dec, 11:00 CET"."""
    if not value:
        return ""
    return _kept_whole(context, dates.format_stamp(value, zone), dates.format_time(value, zone))


@register.simple_tag(takes_context=True)
def stamp_range(context: Context, start: Moment, end: Moment, zone: str) -> str:
    """``{% stamp_range slot.starts_at slot.ends_at zone %}``: "Sat 12 Dec, 11:00–13:00 CET"."""
    if not start:
        return ""
    if not end:
        return stamp(context, start, zone)
    return _kept_whole(
        context,
        dates.format_stamp_range(start, end, zone),
        dates.format_clock_range(start, end, zone),
    )


@register.simple_tag
def date_part(value: Moment, zone: str, part: str) -> str:
    """``{% date_part mob.starts_at zone "month" %}`` ("day", "weekday"): a calendar badge."""
    return dates.format_date_part(value, zone, part) if value else ""


@register.simple_tag
def zone_abbr(value: datetime | None, zone: str) -> str:
    """``{% zone_abbr value zone %}``: the zone's label at that moment ("CET", "MEZ")."""
    if value is None:
        return ""
    return dates.zone_label(value, zone)


@register.filter
def zone_name(zone: str) -> str:
    """``{{ chapter.time_zone|zone_name }}``: "Central European Time" in the page's language."""
    return dates.zone_name(zone) if zone else ""


@register.filter
def hours(value: float | None) -> str:
    if value is None:
        return ""
    if value == int(value):
        count = int(value)
        return ngettext("%(n)s hour", "%(n)s hours", count) % {"n": count}
    return _("%(n)s hours") % {"n": formats.number_format(round(value, 1), 1)}


@register.filter
def shop_hidden(mob: _MaySecret) -> bool:
    """``{% if mob|shop_hidden %}``: the mob still keeps its shop secret (before reveal_at)."""
    return mob.is_secret_at(timezone.now())


@register.filter
def wave_at(mob: Any, wave: int | None) -> datetime | None:
    """``{{ mob|wave_at:rsvp.wave }}``: when that arrival wave is due (the model's rule)."""
    return mob.wave_starts_at(wave)


@register.filter
def public_title(mob: _Titled) -> str:
    """``{{ mob|public_title }}``: the title, or while the shop is a secret one naming the
    city only (the model's rule), in the page's language."""
    return mob.public_title(language=translation.get_language() or "")


@register.filter
def page_range(page: Page) -> Iterator[int | str]:
    """Page numbers around the current page, with ellipses, for the pagination include."""
    return page.paginator.get_elided_page_range(page.number)


@register.filter
def get_item(mapping: dict, key: object) -> object:
    """``{{ positions|get_item:rsvp.pk }}``: look a key up in a dict from the view."""
    return mapping.get(key) if mapping else None


@register.simple_tag
def error_summary(form: forms.BaseForm) -> ErrorSummary:
    """``{% error_summary form as summary %}``: see ``form_error_summary``."""
    return form_error_summary(form)


@register.filter
def datetime_attr(value: datetime | None) -> str:
    """``<time datetime="{{ mob.starts_at|datetime_attr }}">``: the moment in UTC to the
    second, as HTML's ``datetime`` attribute takes it (it refuses six-digit fractions)."""
    if value is None:
        return ""
    return value.astimezone(UTC).replace(microsecond=0).isoformat()
