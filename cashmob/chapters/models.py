from __future__ import annotations

import zoneinfo
from functools import cache

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from cashmob.core.models import TimeStampedModel
from cashmob.core.money import Money
from cashmob.core.validators import no_markup


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [(tz, tz.replace("_", " ")) for tz in sorted(zoneinfo.available_timezones())]


class Chapter(TimeStampedModel):
    """A local group (a city or a neighbourhood) that runs mobs."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        ACTIVE = "active", _("Active")
        ARCHIVED = "archived", _("Archived")

    name = models.CharField(_("name"), max_length=120, validators=[no_markup])
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    city = models.CharField(_("city"), max_length=120, validators=[no_markup])
    country = CountryField(_("country"))
    time_zone = models.CharField(_("time zone"), max_length=64, choices=time_zone_choices)
    currency = models.CharField(_("currency"), max_length=3)
    default_pledge_minor = models.PositiveIntegerField(
        _("default pledge (minor units)"),
        default=2000,
        validators=[MinValueValidator(1), MaxValueValidator(10_000_000)],
    )
    max_pledge_minor = models.PositiveIntegerField(
        _("largest pledge or spend report (minor units)"),
        default=100_000,
        validators=[MinValueValidator(1), MaxValueValidator(100_000_000)],
        help_text=_("Pledges above this are refused; spend reports above it wait for review."),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    house_rules = models.TextField(
        _("house rules"),
        blank=True,
        max_length=4000,
        help_text=_("Shown on every mob page, e.g. spend your pledge, meet three new people."),
    )
    hashtag = models.CharField(
        _("hashtags"), max_length=100, blank=True, help_text=_("For example #cashmob #lyon")
    )
    website = models.URLField(_("website"), blank=True, max_length=300)
    facebook_url = models.URLField(_("Facebook page"), blank=True, max_length=300)
    x_handle = models.CharField(_("X handle"), max_length=40, blank=True)
    mastodon_handle = models.CharField(_("Mastodon handle"), max_length=120, blank=True)
    instagram_handle = models.CharField(_("Instagram handle"), max_length=40, blank=True)
    cooldown_days = models.PositiveSmallIntegerField(
        _("cool-down after a mob (days)"),
        default=180,
        validators=[MaxValueValidator(3650)],
        help_text=_("A shop mobbed more recently than this cannot be chosen for another mob yet."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="chapters",
        verbose_name=_("members"),
    )

    class Meta:
        verbose_name = _("chapter")
        verbose_name_plural = _("chapters")
        ordering = ["name"]
        indexes = [models.Index(fields=["country", "city"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(default_pledge_minor__gt=0),
                name="chapters_chapter_pledge_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("chapters:detail", kwargs={"slug": self.slug})

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def default_pledge(self) -> Money:
        return Money(self.default_pledge_minor, self.currency)


class Membership(TimeStampedModel):
    class Role(models.TextChoices):
        ORGANISER = "organiser", _("Organiser")
        CO_ORGANISER = "co_organiser", _("Co-organiser")
        MEMBER = "member", _("Member")

    chapter = models.ForeignKey(
        Chapter, verbose_name=_("chapter"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["chapter", "user"], name="chapters_membership_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.chapter} ({self.role})"

    @property
    def is_organiser(self) -> bool:
        return self.role in {self.Role.ORGANISER, self.Role.CO_ORGANISER}


class ChapterFollow(TimeStampedModel):
    """Someone who wants news of a chapter's mobs without joining it."""

    chapter = models.ForeignKey(
        Chapter, verbose_name=_("chapter"), on_delete=models.CASCADE, related_name="follows"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="chapter_follows",
    )

    class Meta:
        verbose_name = _("chapter follower")
        verbose_name_plural = _("chapter followers")
        constraints = [
            models.UniqueConstraint(fields=["chapter", "user"], name="chapters_follow_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} follows {self.chapter}"
