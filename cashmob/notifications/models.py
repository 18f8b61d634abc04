from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What a message is about; each kind the person can switch off has a profile field."""

    NEW_MOB = "new_mob", _("New mob in my chapter")
    VOTE = "vote", _("Votes and date polls")
    REMINDER = "reminder", _("Reminders")
    CHANGE = "change", _("Changes to my mobs")
    RESULTS = "results", _("Results")
    #: Messages a person needs to act on (a shop's answer to their request, their own
    #: RSVP): always sent.
    ACCOUNT = "account", _("About my own actions")


#: The profile field that switches each kind on or off.
PREFERENCE_FIELD: dict[str, str] = {
    Kind.NEW_MOB: "notify_new_mobs",
    Kind.VOTE: "notify_votes",
    Kind.REMINDER: "notify_reminders",
    Kind.CHANGE: "notify_changes",
    Kind.RESULTS: "notify_results",
}


class Notification(models.Model):
    """One message to one person about one event.

    ``event_key`` names the event ("mob:12:published"); the unique constraints on
    (user, event_key) and (guest RSVP, event_key) are what make a notification never go
    out twice, however often the code that raises it runs. The recipient is a member, or
    a guest who said yes without an account (reached through their RSVP's email).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    guest_rsvp = models.ForeignKey(
        "rsvps.Rsvp",
        verbose_name=_("guest recipient"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    event_key = models.CharField(_("event"), max_length=120)
    template = models.CharField(_("template"), max_length=120)
    context = models.JSONField(_("context"), default=dict)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "event_key"], name="notifications_once"),
            models.UniqueConstraint(
                fields=["guest_rsvp", "event_key"], name="notifications_once_per_guest"
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False, guest_rsvp__isnull=True)
                | Q(user__isnull=True, guest_rsvp__isnull=False),
                name="notifications_one_recipient",
            ),
        ]
        indexes = [models.Index(fields=["sent_at", "created_at"])]

    def __str__(self) -> str:
        recipient = self.user_id if self.user_id else f"guest {self.guest_rsvp_id}"
        return f"{self.event_key} → {recipient}"
