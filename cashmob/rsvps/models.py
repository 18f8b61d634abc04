from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from cashmob.core.languages import recipient_language
from cashmob.core.models import TimeStampedModel
from cashmob.core.money import Money


class RsvpStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("Waiting for email confirmation")
    CONFIRMED = "confirmed", _("Going")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class Rsvp(TimeStampedModel):
    """One person's yes to a mob, with the amount they pledge to spend.

    Members RSVP with their account; guests with a name and an email address that they
    confirm through an emailed link. ``queued_at`` orders the waiting list.
    """

    mob = models.ForeignKey(
        "mobs.Mob", verbose_name=_("mob"), on_delete=models.CASCADE, related_name="rsvps"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rsvps",
    )
    guest_name = models.CharField(_("name"), max_length=80, blank=True)
    guest_email = models.EmailField(_("email"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=RsvpStatus.choices)
    pledge_minor = models.PositiveIntegerField(_("pledge"), validators=[MinValueValidator(1)])
    currency = models.CharField(_("currency"), max_length=3)
    wave = models.PositiveSmallIntegerField(_("arrival wave"), null=True, blank=True)
    queued_at = models.DateTimeField(_("joined the waiting list"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    nonce = models.CharField(_("nonce"), max_length=64, unique=True)
    #: The language a guest (no account) used when saying yes: their emails speak it.
    guest_language = models.CharField(_("guest's language"), max_length=8, blank=True)
    #: A guest (no account) asked for no more emails about this mob.
    guest_muted_at = models.DateTimeField(_("guest unsubscribed"), null=True, blank=True)

    class Meta:
        verbose_name = _("RSVP")
        verbose_name_plural = _("RSVPs")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["mob", "status", "queued_at", "id"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["mob", "user"],
                condition=Q(user__isnull=False) & ~Q(status="cancelled"),
                name="rsvps_one_per_member",
            ),
            models.UniqueConstraint(
                "mob",
                Lower("guest_email"),
                condition=Q(user__isnull=True) & ~Q(status="cancelled"),
                name="rsvps_one_per_guest_email",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(guest_email=""),
                name="rsvps_member_or_guest",
            ),
            models.CheckConstraint(
                condition=~Q(status="waiting") | Q(queued_at__isnull=False),
                name="rsvps_waiting_has_queue_time",
            ),
        ]

    @property
    def guest_email_language(self) -> str:
        """The language a guest's emails speak: the one they used, else their chapter's."""
        return recipient_language(known=self.guest_language, chapter=self.mob.chapter)

    def __str__(self) -> str:
        return f"{self.display_name} → {self.mob_id} ({self.status})"

    @property
    def display_name(self) -> str:
        if self.user_id is not None and self.user is not None:
            return self.user.public_name
        return self.guest_name or self.guest_email.split("@", 1)[0]

    @property
    def email(self) -> str:
        return self.user.email if self.user is not None else self.guest_email

    @property
    def pledge(self) -> Money:
        return Money(self.pledge_minor, self.currency)


class CalendarFeed(TimeStampedModel):
    """A private, revocable iCalendar address: a person's own mobs, or a chapter's mobs."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
    )
    chapter = models.ForeignKey(
        "chapters.Chapter",
        verbose_name=_("chapter"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"feed {self.pk}"
