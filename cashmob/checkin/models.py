"""The day of the mob: who came (check-ins), what they spent (reports), what the shop says."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cashmob.core.models import TimeStampedModel
from cashmob.core.money import Money


class CheckIn(models.Model):
    """One person at one mob. Repeats are refused by the constraints, not by timing."""

    class Method(models.TextChoices):
        PERSONAL = "personal", _("Personal code scanned or typed")
        MOB_CODE = "mob_code", _("Shop's mob code")
        WALK_IN = "walk_in", _("Walk-in added by an organiser")

    mob = models.ForeignKey(
        "mobs.Mob", verbose_name=_("mob"), on_delete=models.CASCADE, related_name="checkins"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="checkins",
    )
    rsvp = models.ForeignKey(
        "rsvps.Rsvp",
        verbose_name=_("RSVP"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="checkins",
    )
    walk_in_name = models.CharField(_("walk-in name"), max_length=80, blank=True)
    #: From the form that added the walk-in: the same form sent twice adds one person.
    walk_in_key = models.UUIDField(_("walk-in form key"), null=True, blank=True, editable=False)
    method = models.CharField(_("how"), max_length=12, choices=Method.choices)
    code = models.CharField(_("code used"), max_length=40, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked in by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    first_time = models.BooleanField(_("first time in this shop"), null=True, blank=True)
    met_count = models.PositiveSmallIntegerField(_("new people met"), null=True, blank=True)
    at = models.DateTimeField(_("checked in at"), default=timezone.now)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["mob", "at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["mob", "user"],
                condition=Q(user__isnull=False),
                name="checkin_one_per_member",
            ),
            models.UniqueConstraint(
                fields=["mob", "rsvp"],
                condition=Q(rsvp__isnull=False),
                name="checkin_one_per_rsvp",
            ),
            models.UniqueConstraint(
                fields=["mob", "walk_in_key"],
                condition=Q(walk_in_key__isnull=False),
                name="checkin_walk_in_once",
            ),
            # No "someone" constraint: a check-in outlives the account of whoever made
            # it (deleted accounts leave anonymous check-ins, and the mob's figures stand).
            models.CheckConstraint(
                condition=Q(met_count__isnull=True) | Q(met_count__lte=100),
                name="checkin_met_count_sane",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} @ {self.mob_id}"

    @property
    def display_name(self) -> str:
        if self.user is not None:
            return self.user.public_name
        if self.rsvp is not None:
            return self.rsvp.display_name
        return self.walk_in_name


class SpendReport(TimeStampedModel):
    """What one checked-in mobber says they spent. Only ``counted`` reports are in the totals.

    ``idempotency_key`` comes from the form the mobber was shown: the same submission sent
    twice (a double tap, a retry after a lost response) finds the first report.
    """

    class Status(models.TextChoices):
        COUNTED = "counted", _("Counted")
        HELD = "held", _("Held for review")
        REJECTED = "rejected", _("Rejected")

    mob = models.ForeignKey(
        "mobs.Mob", verbose_name=_("mob"), on_delete=models.CASCADE, related_name="spend_reports"
    )
    checkin = models.ForeignKey(
        CheckIn, verbose_name=_("check-in"), on_delete=models.CASCADE, related_name="reports"
    )
    amount_minor = models.PositiveBigIntegerField(_("amount (minor units)"))
    currency = models.CharField(_("currency"), max_length=3)
    idempotency_key = models.UUIDField(_("idempotency key"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    receipt = models.FileField(_("receipt"), upload_to="receipts/", blank=True, max_length=200)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        verbose_name = _("spend report")
        verbose_name_plural = _("spend reports")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["mob", "status", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["checkin", "idempotency_key"], name="checkin_report_idempotent"
            ),
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="checkin_report_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} ({self.status})"

    @property
    def amount(self) -> Money:
        return Money(self.amount_minor, self.currency)


class OwnerConfirmation(TimeStampedModel):
    """The till total the shop confirmed for the mob's window; kept apart from reports."""

    mob = models.OneToOneField(
        "mobs.Mob",
        verbose_name=_("mob"),
        on_delete=models.CASCADE,
        related_name="owner_confirmation",
    )
    total_minor = models.PositiveBigIntegerField(_("till total (minor units)"))
    currency = models.CharField(_("currency"), max_length=3)
    transaction_count = models.PositiveIntegerField(_("transactions"), null=True, blank=True)
    consent_request = models.ForeignKey(
        "mobs.ConsentRequest",
        verbose_name=_("confirmed through"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("shop's confirmation")
        verbose_name_plural = _("shop's confirmations")

    def __str__(self) -> str:
        return f"{self.total} for {self.mob_id}"

    @property
    def total(self) -> Money:
        return Money(self.total_minor, self.currency)
