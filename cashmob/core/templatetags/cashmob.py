"""Template helpers shared by every app: money and times in the chapter's zone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

from django import template
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cashmob.core.dates import localized_pattern
from cashmob.core.money import Money, format_money

if TYPE_CHECKING:
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


@register.simple_tag
def local_time(value: datetime | None, zone: str, fmt: str = "DATETIME_FORMAT") -> str:
    """A UTC instant shown in ``zone``, formatted for the active language."""
    if value is None:
        return ""
    return formats.date_format(value.astimezone(ZoneInfo(zone)), localized_pattern(fmt))


@register.simple_tag
def zone_abbr(value: datetime | None, zone: str) -> str:
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(zone)).tzname() or zone


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


@register.simple_tag
def iso_local(value: str, zone: str, fmt: str = "DATETIME_FORMAT") -> str:
    """An ISO 8601 instant (as stored in task payloads) shown in ``zone``."""
    if not value:
        return ""
    local = datetime.fromisoformat(value).astimezone(ZoneInfo(zone))
    return formats.date_format(local, localized_pattern(fmt))


@register.filter
def get_item(mapping: dict, key: object) -> object:
    """``{{ positions|get_item:rsvp.pk }}``: look a key up in a dict from the view."""
    return mapping.get(key) if mapping else None
