from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import ExpressionWrapper, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cashmob.core.models import TimeStampedModel
from cashmob.core.money import Money


class MobStatus(models.TextChoices):
    """The life of a mob (DESIGN.md §3). Transitions live in :mod:`cashmob.mobs.states`."""

    PLANNING = "planning", _("Planning")
    AWAITING_CONSENT = "awaiting_consent", _("Waiting for the shop")
    CONFIRMED = "confirmed", _("Shop agreed")
    PUBLISHED = "published", _("Published")
    LIVE = "live", _("Live now")
    CLOSED = "closed", _("Closed")
    REPORTED = "reported", _("Results in")
    CANCELLED = "cancelled", _("Cancelled")


class Consent(models.TextChoices):
    NOT_ASKED = "not_asked", _("Not asked yet")
    PENDING = "pending", _("Asked, no answer yet")
    ACCEPTED = "accepted", _("Accepted")
    PROPOSED = "proposed", _("Proposed another time")
    DECLINED = "declined", _("Declined")


#: Statuses in which the business must have said yes. Enforced by a database constraint,
#: so no path (view, API, admin, shell) can publish a mob the shop did not agree to.
CONSENTED_STATUSES = (
    MobStatus.CONFIRMED,
    MobStatus.PUBLISHED,
    MobStatus.LIVE,
    MobStatus.CLOSED,
    MobStatus.REPORTED,
)

#: Statuses in which a mob holds its shop: the shop chosen while planning, waiting for the
#: shop, agreed, published, live. One such mob per shop, enforced by a database constraint
#: (see :mod:`cashmob.mobs.rotation`).
ACTIVE_STATUSES = (
    MobStatus.PLANNING,
    MobStatus.AWAITING_CONSENT,
    MobStatus.CONFIRMED,
    MobStatus.PUBLISHED,
    MobStatus.LIVE,
)


#: A mob stays "live now" this long after its end: mobbers who left still report what
#: they spent, and the live tally keeps moving until the scheduler closes the mob.
LIVE_GRACE = timedelta(minutes=60)


def live_q(now: datetime) -> Q:
    """The one rule for "happening now": published (the scheduler may be late to flip it)
    or live, started, and not past its end plus the grace period."""
    return Q(
        status__in=(MobStatus.PUBLISHED, MobStatus.LIVE),
        starts_at__lte=now,
        ends_at__gt=now - LIVE_GRACE,
    )


class MobQuerySet(models.QuerySet["Mob"]):
    def live(self, now: datetime | None = None) -> MobQuerySet:
        """Mobs happening now (see :func:`live_q`)."""
        return self.filter(live_q(now or timezone.now()))

    def not_live(self, now: datetime | None = None) -> MobQuerySet:
        """Every mob but those happening now: upcoming and past lists start from here."""
        return self.exclude(live_q(now or timezone.now()))

    def current(self, now: datetime | None = None) -> MobQuerySet:
        """Mobs happening now or still to come, each marked ``is_live_now`` by the same
        rule as :meth:`live`: a page that shows both reads them in one query."""
        now = now or timezone.now()
        return self.filter(
            status__in=(MobStatus.PUBLISHED, MobStatus.LIVE), ends_at__gt=now - LIVE_GRACE
        ).annotate(is_live_now=ExpressionWrapper(live_q(now), output_field=models.BooleanField()))


class Mob(TimeStampedModel):
    chapter = models.ForeignKey(
        "chapters.Chapter",
        verbose_name=_("chapter"),
        on_delete=models.PROTECT,
        related_name="mobs",
    )
    business = models.ForeignKey(
        "businesses.Business",
        verbose_name=_("business"),
        on_delete=models.PROTECT,
        related_name="mobs",
        null=True,
        blank=True,
    )
    title = models.CharField(_("title"), max_length=140)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    #: The address the mob had before it was published as a secret (its slug then named
    #: the shop): links to it still lead here, for whoever may know the shop.
    former_slug = models.SlugField(
        _("former slug"), max_length=160, blank=True, db_index=True, editable=False
    )
    description = models.TextField(_("description"), blank=True, max_length=4000)
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    meeting_point = models.CharField(_("meeting point"), max_length=255, blank=True)
    pledge_minor = models.PositiveIntegerField(
        _("pledge (minor units)"), validators=[MinValueValidator(1)]
    )
    currency = models.CharField(_("currency"), max_length=3)
    capacity = models.PositiveIntegerField(
        _("maximum crowd"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Set by the shop. Leave empty for no limit."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=MobStatus.choices, default=MobStatus.PLANNING
    )
    business_consent = models.CharField(
        _("business consent"), max_length=12, choices=Consent.choices, default=Consent.NOT_ASKED
    )
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    reveal_at = models.DateTimeField(
        _("reveal the shop at"),
        null=True,
        blank=True,
        help_text=_("Keep the shop secret until this time; the meeting point is shown."),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=500, blank=True)
    arrival_waves = models.PositiveSmallIntegerField(
        _("arrival waves"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("The shop may ask mobbers to arrive in several waves."),
    )
    wave_minutes = models.PositiveSmallIntegerField(
        _("minutes between waves"),
        default=20,
        validators=[MinValueValidator(5), MaxValueValidator(120)],
        help_text=_("Each wave arrives this many minutes after the one before (5 to 120)."),
    )
    notes_for_mobbers = models.TextField(_("notes from the shop"), blank=True, max_length=2000)
    tipping_point = models.PositiveIntegerField(
        _("tipping point"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("The shop staffs up if at least this many people pledge."),
    )
    after_party_business = models.ForeignKey(
        "businesses.Business",
        verbose_name=_("after-party venue"),
        on_delete=models.PROTECT,
        related_name="after_parties",
        null=True,
        blank=True,
    )
    after_party_starts_at = models.DateTimeField(_("after-party starts"), null=True, blank=True)
    after_party_consent = models.CharField(
        _("after-party consent"),
        max_length=12,
        choices=Consent.choices,
        default=Consent.NOT_ASKED,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Running totals, maintained by the services that change them in the same transaction,
    # so that pages read one row instead of scanning RSVPs and reports.
    rsvp_count = models.PositiveIntegerField(_("confirmed RSVPs"), default=0)
    waiting_count = models.PositiveIntegerField(_("waiting list"), default=0)
    pledged_total_minor = models.PositiveBigIntegerField(_("pledged total"), default=0)
    checkin_count = models.PositiveIntegerField(_("checked in"), default=0)
    reported_total_minor = models.PositiveBigIntegerField(_("reported by mobbers"), default=0)
    report_count = models.PositiveIntegerField(_("spend reports"), default=0)
    confirmed_total_minor = models.PositiveBigIntegerField(
        _("confirmed by the shop"), null=True, blank=True
    )
    #: How many times what a calendar shows of the mob changed once it was public (time,
    #: place, title, the shop revealed, cancelled): calendar files carry it as SEQUENCE,
    #: so a calendar that imported an older copy replaces it.
    sequence = models.PositiveIntegerField(_("calendar revision"), default=0, editable=False)

    objects = MobQuerySet.as_manager()

    class Meta:
        verbose_name = _("mob")
        verbose_name_plural = _("mobs")
        ordering = ["-starts_at"]
        indexes = [
            models.Index(fields=["status", "starts_at"]),
            models.Index(fields=["chapter", "status", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=CONSENTED_STATUSES) | Q(business_consent=Consent.ACCEPTED),
                name="mobs_mob_consent_required",
                violation_error_message=_("The business must accept before the mob goes ahead."),
            ),
            models.CheckConstraint(
                condition=Q(status=MobStatus.PLANNING)
                | Q(status=MobStatus.CANCELLED)
                | Q(business__isnull=False),
                name="mobs_mob_business_chosen",
            ),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True)
                | Q(ends_at__isnull=True)
                | Q(ends_at__gt=models.F("starts_at")),
                name="mobs_mob_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=CONSENTED_STATUSES)
                | (Q(starts_at__isnull=False) & Q(ends_at__isnull=False)),
                name="mobs_mob_time_fixed",
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(rsvp_count__lte=models.F("capacity")),
                name="mobs_mob_never_overbooked",
            ),
            models.CheckConstraint(
                condition=Q(wave_minutes__gte=5, wave_minutes__lte=120),
                name="mobs_mob_wave_minutes_in_range",
                violation_error_message=_("Waves are 5 to 120 minutes apart."),
            ),
            models.UniqueConstraint(
                fields=["business"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="mobs_one_active_mob_per_shop",
                violation_error_message=_("This shop already has a cash mob on its way."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("mobs:detail", kwargs={"slug": self.slug})

    def sequence_bump(self) -> None:
        """Count one more change that calendars must pick up (see ``sequence``).

        An atomic increment in the caller's transaction: two changes at once count twice.
        """
        type(self).objects.filter(pk=self.pk).update(sequence=models.F("sequence") + 1)
        self.refresh_from_db(fields=["sequence"])

    def wave_starts_at(self, wave: int | None) -> datetime | None:
        """When arrival wave ``wave`` (1, 2, ...) is due: the start plus one wave length
        per wave before it. None without a start or a wave."""
        if self.starts_at is None or not wave:
            return None
        return self.starts_at + timedelta(minutes=self.wave_minutes * (wave - 1))

    def wave_schedule(self) -> list[tuple[int, datetime]]:
        """Every arrival wave with its time, when the shop asked for more than one."""
        if self.arrival_waves <= 1 or self.starts_at is None:
            return []
        return [(n, self.wave_starts_at(n)) for n in range(1, self.arrival_waves + 1)]  # type: ignore[misc]

    @property
    def pledge(self) -> Money:
        return Money(self.pledge_minor, self.currency)

    @property
    def reported_total(self) -> Money:
        return Money(self.reported_total_minor, self.currency)

    @property
    def confirmed_total(self) -> Money | None:
        if self.confirmed_total_minor is None:
            return None
        return Money(self.confirmed_total_minor, self.currency)

    @property
    def pledged_total(self) -> Money:
        return Money(self.pledged_total_minor, self.currency)

    @property
    def duration_hours(self) -> float | None:
        if self.starts_at is None or self.ends_at is None:
            return None
        return (self.ends_at - self.starts_at).total_seconds() / 3600

    @property
    def is_public(self) -> bool:
        return (
            self.status
            in {
                MobStatus.PUBLISHED,
                MobStatus.LIVE,
                MobStatus.CLOSED,
                MobStatus.REPORTED,
                MobStatus.CANCELLED,
            }
            and self.published_at is not None
        )

    def is_secret_at(self, moment) -> bool:
        return self.reveal_at is not None and moment < self.reveal_at

    def public_title(self, moment: datetime | None = None, *, language: str = "") -> str:
        """The title anyone may see at ``moment`` (default: now): while the shop is a
        secret, one that names the city only (titles usually name the shop), in
        ``language`` (default: the chapter's)."""
        if not self.is_secret_at(moment or timezone.now()):
            return self.title
        with translation.override(language or self.chapter.language):
            return gettext("Secret cash mob in %(city)s") % {"city": self.chapter.city}

    def public_description(self, moment: datetime | None = None) -> str:
        """The description, unless the shop is still a secret (it usually describes it)."""
        return "" if self.is_secret_at(moment or timezone.now()) else self.description


class ConsentRequest(TimeStampedModel):
    """What the organiser asks a shop, and the shop's current answer.

    The shop answers on a private page reached through a signed link carrying ``nonce``;
    no account is needed. Each answer is also kept in :class:`ConsentAnswer`.
    """

    class Kind(models.TextChoices):
        MOB = "mob", _("The mob")
        AFTER_PARTY = "after_party", _("The after-party")
        # Moving a published mob: once the shop accepts, the request becomes the mob's
        # (kind MOB) and replaces the one accepted before.
        RESCHEDULE = "reschedule", _("A new time for the mob")

    mob = models.ForeignKey(
        Mob, verbose_name=_("mob"), on_delete=models.CASCADE, related_name="consent_requests"
    )
    business = models.ForeignKey(
        "businesses.Business",
        verbose_name=_("business"),
        on_delete=models.CASCADE,
        related_name="consent_requests",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.MOB)
    nonce = models.CharField(_("nonce"), max_length=64, unique=True)
    sent_to = models.EmailField(_("sent to"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("link expires"))
    slots = models.JSONField(_("proposed slots"), default=list)
    expected_headcount = models.PositiveIntegerField(_("expected headcount"), default=0)
    pledge_minor = models.PositiveIntegerField(_("pledge (minor units)"))
    currency = models.CharField(_("currency"), max_length=3)
    message = models.TextField(_("message from the organiser"), blank=True, max_length=2000)
    answer = models.CharField(
        _("answer"), max_length=12, choices=Consent.choices, default=Consent.PENDING
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    accepted_starts_at = models.DateTimeField(_("accepted start"), null=True, blank=True)
    accepted_ends_at = models.DateTimeField(_("accepted end"), null=True, blank=True)
    proposed_times = models.TextField(_("times the shop proposes"), blank=True, max_length=1000)
    decline_reason = models.TextField(_("reason for declining"), blank=True, max_length=1000)
    superseded = models.BooleanField(_("superseded by a newer request"), default=False)
    #: Asked to move a published mob (kind RESCHEDULE; it stays set once accepted, when
    #: the request becomes the mob's own).
    moves_published = models.BooleanField(_("moves a published mob"), default=False)

    class Meta:
        verbose_name = _("consent request")
        verbose_name_plural = _("consent requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["mob", "kind"],
                condition=Q(superseded=False),
                name="mobs_one_live_consent_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} consent for {self.mob_id}"


class ConsentAnswer(models.Model):
    """Every answer the shop gave, in order, for the organiser's record."""

    request = models.ForeignKey(
        ConsentRequest,
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="answers",
    )
    answer = models.CharField(_("answer"), max_length=12, choices=Consent.choices)
    data = models.JSONField(_("details"), default=dict, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent answer")
        verbose_name_plural = _("consent answers")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.answer
