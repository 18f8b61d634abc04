"""Forms for planning a mob and answering as a shop: they check and normalise input in the
chapter's time zone and currency; the services decide what happens."""

from __future__ import annotations

import re
import zoneinfo
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cashmob.core.money import MoneyError, minor_to_decimal, parse_amount
from cashmob.mobs.consent import MAX_CROWD, MAX_WAVES
from cashmob.mobs.models import Consent, Mob, MobStatus

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django_stubs_ext import StrOrPromise

    from cashmob.businesses.models import Business
    from cashmob.chapters.models import Chapter

LOCAL_INPUT_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M")
#: Rows offered in the slot editors (the date poll proposes at most 20 slots).
POLL_SLOT_ROWS = 8
EXTRA_SLOT_ROWS = 2


def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def local_to_utc(naive: datetime, zone_name: str) -> datetime:
    """A wall-clock time in ``zone_name`` as a UTC instant; refuses times that do not exist.

    On the night clocks go forward, 02:30 never happens: rather than guess, ask again.
    """
    zone = _zone(zone_name)
    aware = naive.replace(tzinfo=zone)
    try:
        round_trip = aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    except (OverflowError, ValueError):
        # Years at the edge of the calendar (9999-12-31 west of UTC) cannot be converted.
        raise forms.ValidationError(
            _("Enter a date in the next few years."), code="out_of_range"
        ) from None
    if round_trip != naive:
        raise forms.ValidationError(
            _("This time does not exist in %(zone)s (the clocks change). Pick another."),
            code="nonexistent_time",
            params={"zone": zone_name},
        )
    return aware.astimezone(UTC)


def utc_to_local_input(value: datetime | None, zone_name: str) -> str:
    if value is None:
        return ""
    return value.astimezone(_zone(zone_name)).strftime("%Y-%m-%dT%H:%M")


_LOCAL_DATETIME = re.compile(r"\d{4,}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,3})?)?")
_TIME_OF_DAY = re.compile(r"\d\d:\d\d(:\d\d(\.\d{1,3})?)?")


def _shows_as(text: str, shape: re.Pattern[str], kind: type[datetime] | type[time]) -> bool:
    """Whether ``text`` is a value an HTML date-time or time input can hold."""
    if not shape.fullmatch(text):
        return False
    try:
        kind.fromisoformat(text)
    except ValueError:
        return False
    return True


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")

    def format_value(self, value: Any) -> str | None:
        # Typed text the input type cannot hold is shown empty (as a browser would show it),
        # not echoed into an invalid value attribute; the field's error says what was wrong.
        if isinstance(value, str) and not _shows_as(value, _LOCAL_DATETIME, datetime):
            return None
        return super().format_value(value)


class TimeOfDayInput(forms.TimeInput):
    """A ``time`` input (hours and minutes)."""

    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%H:%M")

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, str) and not _shows_as(value, _TIME_OF_DAY, time):
            return None
        return super().format_value(value)


class LocalDateTimeField(forms.DateTimeField):
    """A ``datetime-local`` input read as wall-clock time in the chapter's zone, cleaned to UTC.

    Set ``zone`` (an IANA name) before validating; forms below do it in ``__init__``.
    """

    widget = LocalDateTimeInput
    input_formats = LOCAL_INPUT_FORMATS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", LOCAL_INPUT_FORMATS)
        super().__init__(*args, **kwargs)
        self.zone = "UTC"

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.astimezone(_zone(self.zone)).replace(tzinfo=None, second=0)
        return value

    def to_python(self, value: Any) -> datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value if value.tzinfo else local_to_utc(value, self.zone)
        text = str(value).strip()
        for fmt in self.input_formats:
            try:
                naive = datetime.strptime(text, fmt)  # noqa: DTZ007 - made aware just below
            except ValueError:
                continue
            return local_to_utc(naive, self.zone)
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


# The organiser's dashboard shows all of the forms below on one page: each has a prefix of its
# own (the dashboard action that receives it), so that no two share a field name or an id and
# every label points at its own field.


class ZonedForm(forms.Form):
    """A form whose date-time fields are typed in ``zone`` (the chapter's time zone)."""

    def __init__(self, *args: Any, zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone
        for field in self.fields.values():
            if isinstance(field, LocalDateTimeField):
                field.zone = zone


def _text(value: str | None) -> str:
    return (value or "").strip()


# --- Planning ---------------------------------------------------------------------------------


class MobPlanForm(forms.Form):
    """A new mob: what it is called, the pledge and where people meet."""

    title = forms.CharField(label=_("Title"), max_length=140)
    pledge = forms.CharField(
        label=_("Pledge per person"),
        max_length=20,
        help_text=_("What each mobber promises to spend, at full price, e.g. 20 or 20.50."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    meeting_point = forms.CharField(
        label=_("Meeting point"),
        max_length=255,
        required=False,
        help_text=_("A landmark everyone can find. You can set it later, before publishing."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, chapter: Chapter, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.currency = chapter.currency
        self.fields["pledge"].label = _("Pledge per person (%(currency)s)") % {
            "currency": chapter.currency
        }
        if not self.is_bound:
            self.initial.setdefault(
                "pledge", str(minor_to_decimal(chapter.default_pledge_minor, chapter.currency))
            )

    def clean_title(self) -> str:
        return _text(self.cleaned_data.get("title"))

    def clean_pledge(self) -> int:
        try:
            amount = parse_amount(self.cleaned_data.get("pledge") or "", self.currency)
        except MoneyError as error:
            raise forms.ValidationError(str(error.message), code=error.code) from None
        if amount <= 0:
            raise forms.ValidationError(_("Enter a pledge above zero."), code="zero")
        return amount


class VoteOpenForm(ZonedForm):
    prefix = "vote_open"

    closes_at = LocalDateTimeField(
        label=_("Voting closes"),
        help_text=_("In the chapter's time zone."),
    )
    businesses = forms.MultipleChoiceField(
        label=_("Shortlist"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick at least two shops to vote on a shortlist; tick none to list them all."),
    )

    def __init__(self, *args: Any, eligible: Iterable[Business], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice = cast(forms.ChoiceField, self.fields["businesses"])
        choice.choices = [(str(b.pk), b.name) for b in eligible]

    def business_ids(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data.get("businesses") or []]


def shop_choice_label(business: Business) -> str:
    """A shop in a list to choose from, with how often it was mobbed (the rotation's
    first criterion)."""
    if not business.mob_count:
        return _("%(shop)s (never mobbed)") % {"shop": business.name}
    return ngettext(
        "%(shop)s (mobbed once)", "%(shop)s (mobbed %(n)s times)", business.mob_count
    ) % {"shop": business.name, "n": business.mob_count}


class ChooseShopForm(forms.Form):
    prefix = "choose_shop"

    business = forms.ChoiceField(label=_("Shop"))

    def __init__(self, *args: Any, eligible: Iterable[Business], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.shops = {str(b.pk): b for b in eligible}
        choice = cast(forms.ChoiceField, self.fields["business"])
        choice.choices = [("", "—"), *((k, shop_choice_label(b)) for k, b in self.shops.items())]

    def shop(self) -> Business:
        return self.shops[self.cleaned_data["business"]]


class SlotRowsForm(ZonedForm):
    """Rows of (start, end time) typed in the chapter's zone; empty rows are ignored.

    An end time earlier than the start means the next day (a mob running past midnight).
    """

    rows = POLL_SLOT_ROWS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(self.rows):
            self.fields[f"slot_{i}_start"] = LocalDateTimeField(
                label=_("Slot %(n)s starts") % {"n": i + 1}, required=False
            )
            self.fields[f"slot_{i}_start"].zone = self.zone  # type: ignore[attr-defined]
            self.fields[f"slot_{i}_end"] = forms.TimeField(
                label=_("Slot %(n)s ends") % {"n": i + 1},
                required=False,
                widget=TimeOfDayInput(),
            )

    def slot_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"slot_{i}_start"], self[f"slot_{i}_end"]) for i in range(self.rows)]

    def set_initial_slots(self, slots: Iterable[tuple[datetime, datetime]]) -> None:
        zone = _zone(self.zone)
        for i, (start, end) in enumerate(list(slots)[: self.rows]):
            self.initial[f"slot_{i}_start"] = start
            self.initial[f"slot_{i}_end"] = end.astimezone(zone).time().replace(second=0)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        slots: list[tuple[datetime, datetime]] = []
        for i in range(self.rows):
            start = cleaned.get(f"slot_{i}_start")
            end_time: time | None = cleaned.get(f"slot_{i}_end")
            if start is None and end_time is None:
                continue
            if start is None:
                if f"slot_{i}_start" not in self.errors:
                    self.add_error(f"slot_{i}_start", _("Enter when this slot starts."))
                continue
            if end_time is None:
                if f"slot_{i}_end" not in self.errors:
                    self.add_error(f"slot_{i}_end", _("Enter when this slot ends."))
                continue
            local_start = start.astimezone(_zone(self.zone))
            day = local_start.date()
            if end_time <= local_start.time():
                day += timedelta(days=1)
            try:
                end = local_to_utc(datetime.combine(day, end_time), self.zone)
            except forms.ValidationError as error:
                self.add_error(f"slot_{i}_end", error)
                continue
            slots.append((start, end))
        cleaned["slots"] = slots
        return cleaned


class PollOpenForm(SlotRowsForm):
    prefix = "poll_open"

    closes_at = LocalDateTimeField(
        label=_("Answers close"),
        help_text=_("In the chapter's time zone; every slot must start after this."),
    )


class ConsentSendForm(SlotRowsForm):
    """The times proposed to the shop: some of the poll's slots, and typed ones."""

    prefix = "consent_send"

    rows = EXTRA_SLOT_ROWS

    picked = forms.MultipleChoiceField(
        label=_("Times from the date poll"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    message = forms.CharField(
        label=_("Message to the shop"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A few friendly words: who you are and why you chose this shop."),
    )

    def __init__(
        self,
        *args: Any,
        poll_slots: list[tuple[str, str, datetime, datetime]] = (),  # type: ignore[assignment]
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.poll_slots = {key: (start, end) for key, _label, start, end in poll_slots}
        choice = cast(forms.ChoiceField, self.fields["picked"])
        choice.choices = [(key, label) for key, label, _s, _e in poll_slots]
        if not poll_slots:
            del self.fields["picked"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        picked = [self.poll_slots[k] for k in cleaned.get("picked") or []]
        cleaned["slots"] = sorted(set(picked + cleaned.get("slots", [])))
        if not cleaned["slots"] and not self.errors:
            if "picked" in self.fields:
                message = _("Propose at least one time: tick a slot or type one.")
            else:
                message = _("Propose at least one time.")
            raise forms.ValidationError(message, code="no_slots")
        return cleaned


class RescheduleForm(ConsentSendForm):
    """New times for a published mob, sent to its shop."""

    prefix = "reschedule"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["message"].help_text = _(
            "Why the mob needs to move: the shop sees this with the new times."
        )


class PublishForm(ZonedForm):
    prefix = "publish"

    keep_secret = forms.BooleanField(
        label=_("Keep the shop a secret until the reveal time"),
        required=False,
        help_text=_("The public page shows only the meeting point until then. The shop knows."),
    )
    reveal_at = LocalDateTimeField(
        label=_("Reveal the shop at"),
        required=False,
        help_text=_("Empty: six hours before the start."),
    )


class MobDetailsForm(ZonedForm):
    prefix = "details"

    title = forms.CharField(label=_("Title"), max_length=140)
    meeting_point = forms.CharField(label=_("Meeting point"), max_length=255, required=False)
    starts_at = LocalDateTimeField(label=_("Starts"), required=False)
    ends_at = LocalDateTimeField(label=_("Ends"), required=False)
    description = forms.CharField(
        label=_("Description"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, with_time: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_time:
            # Once published, the time is the shop's to agree: it moves by asking the shop.
            del self.fields["starts_at"], self.fields["ends_at"]

    @classmethod
    def for_mob(cls, data: Any, *, mob: Mob) -> MobDetailsForm:
        return cls(
            data,
            zone=mob.chapter.time_zone,
            with_time=mob.status != MobStatus.PUBLISHED,
            initial={
                "title": mob.title,
                "meeting_point": mob.meeting_point,
                "starts_at": mob.starts_at,
                "ends_at": mob.ends_at,
                "description": mob.description,
            },
        )

    def changes(self) -> dict[str, Any]:
        data = {k: self.cleaned_data[k] for k in ("title", "meeting_point", "description")}
        data = {k: _text(v) for k, v in data.items()}
        # An empty time field keeps the current time rather than erasing it.
        for key in ("starts_at", "ends_at"):
            if self.cleaned_data.get(key) is not None:
                data[key] = self.cleaned_data[key]
        return data


class CancelForm(forms.Form):
    prefix = "cancel"

    reason = forms.CharField(
        label=_("Why is the mob cancelled?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Everyone taking part, and the shop, receives this."),
    )


class AfterPartyForm(ZonedForm):
    prefix = "after_party"

    business = forms.ChoiceField(label=_("Venue"))
    starts_at = LocalDateTimeField(label=_("After-party starts"))
    ends_at = forms.TimeField(label=_("Ends"), widget=TimeOfDayInput())
    message = forms.CharField(
        label=_("Message to the venue"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args: Any, venues: list[tuple[Business, float | None]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.venues = {str(b.pk): b for b, _km in venues}
        choice = cast(forms.ChoiceField, self.fields["business"])
        choice.choices = [
            ("", "—"),
            *(
                (
                    str(b.pk),
                    b.name
                    if km is None
                    else _("%(name)s (%(km)s km)")
                    % {"name": b.name, "km": formats.number_format(km, 1)},
                )
                for b, km in venues
            ),
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        start, end_time = cleaned.get("starts_at"), cleaned.get("ends_at")
        if start is not None and end_time is not None:
            local = start.astimezone(_zone(self.zone))
            day = local.date() + (timedelta(days=1) if end_time <= local.time() else timedelta())
            try:
                cleaned["ends_at_utc"] = local_to_utc(datetime.combine(day, end_time), self.zone)
            except forms.ValidationError as error:
                self.add_error("ends_at", error)
        if cleaned.get("business"):
            cleaned["venue"] = self.venues[cleaned["business"]]
        return cleaned


# --- The shop's answer ------------------------------------------------------------------------


def _optional_int(
    label: StrOrPromise, *, min_value: int, max_value: int, help_text: StrOrPromise = ""
) -> Any:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=min_value,
        max_value=max_value,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class ConsentAnswerForm(forms.Form):
    """The shop's answer. The submit button names the answer; the service checks the rest,
    so one form serves the three choices (accept a time, propose others, decline)."""

    answer = forms.ChoiceField(
        choices=[
            (Consent.ACCEPTED, _("Accept")),
            (Consent.PROPOSED, _("Propose other times")),
            (Consent.DECLINED, _("Decline")),
        ],
        widget=forms.HiddenInput,
    )
    slot = forms.TypedChoiceField(
        label=_("Which time suits you?"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose one of the proposed times.")},
    )
    max_crowd = _optional_int(
        _("Maximum crowd"),
        min_value=1,
        max_value=MAX_CROWD,
        help_text=_("How many people the shop can welcome. Empty: no limit."),
    )
    arrival_waves = forms.IntegerField(
        label=_("Arrival waves"),
        min_value=1,
        max_value=MAX_WAVES,
        initial=1,
        required=False,
        help_text=_("Ask mobbers to arrive in several groups, e.g. 3 waves 20 minutes apart."),
    )
    tipping_point = _optional_int(
        _("Minimum crowd"),
        min_value=1,
        max_value=MAX_CROWD,
        help_text=_("The shop staffs up if at least this many people sign up."),
    )
    notes_for_mobbers = forms.CharField(
        label=_("Notes for mobbers"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Parking, what is in stock, accessibility, anything people should know."),
    )
    proposed_times = forms.CharField(
        label=_("Which times would suit you?"),
        required=False,
        error_messages={"required": _("Say which times would suit you.")},
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: any Saturday morning in March, or Thursday evenings."),
    )
    decline_reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, slot_labels: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice = cast(forms.ChoiceField, self.fields["slot"])
        choice.choices = list(enumerate(slot_labels))
        # A time is needed to accept, times to propose, and only then (the three answers
        # share this form; each section shows the fields of its own answer).
        answer = self.data.get("answer") if self.is_bound else None
        self.fields["slot"].required = answer in (None, Consent.ACCEPTED)
        self.fields["proposed_times"].required = answer in (None, Consent.PROPOSED)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("arrival_waves") is None:
            cleaned["arrival_waves"] = 1
        return cleaned

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        answer = data["answer"]
        if answer == Consent.ACCEPTED:
            return {
                "answer": answer,
                "slot_index": data.get("slot"),
                "max_crowd": data.get("max_crowd"),
                "arrival_waves": data.get("arrival_waves") or 1,
                "tipping_point": data.get("tipping_point"),
                "notes_for_mobbers": _text(data.get("notes_for_mobbers")),
            }
        if answer == Consent.PROPOSED:
            return {"answer": answer, "proposed_times": _text(data.get("proposed_times"))}
        return {"answer": answer, "decline_reason": _text(data.get("decline_reason"))}
