"""Choosing together: an approval vote among nominated shops, and a date poll."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cashmob.core.models import TimeStampedModel


class PollStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class ShopVote(TimeStampedModel):
    """Members tick every shop they would support; the most approvals wins."""

    mob = models.ForeignKey(
        "mobs.Mob", verbose_name=_("mob"), on_delete=models.CASCADE, related_name="shop_votes"
    )
    closes_at = models.DateTimeField(_("closes"))
    status = models.CharField(
        _("status"), max_length=12, choices=PollStatus.choices, default=PollStatus.OPEN
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    winner = models.ForeignKey(
        "businesses.Business",
        verbose_name=_("winner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ballot_count = models.PositiveIntegerField(_("ballots"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("shop vote")
        verbose_name_plural = _("shop votes")
        ordering = ["-created_at"]
        constraints = [
            # One open vote per mob at a time.
            models.UniqueConstraint(
                fields=["mob"], condition=Q(status="open"), name="voting_one_open_vote_per_mob"
            ),
        ]

    def __str__(self) -> str:
        return f"vote for {self.mob}"


class Candidate(models.Model):
    vote = models.ForeignKey(
        ShopVote, verbose_name=_("vote"), on_delete=models.CASCADE, related_name="candidates"
    )
    business = models.ForeignKey(
        "businesses.Business",
        verbose_name=_("business"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    shortlisted = models.BooleanField(_("shortlisted"), default=False)
    #: Filled in when the vote closes, from the ballots (never incremented on the fly).
    approvals = models.PositiveIntegerField(_("approvals"), null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "business"], name="voting_candidate_once"),
        ]

    def __str__(self) -> str:
        return str(self.business_id)


class Ballot(TimeStampedModel):
    """One member's approvals in one vote; replaced as a whole when they change their mind."""

    vote = models.ForeignKey(
        ShopVote, verbose_name=_("vote"), on_delete=models.CASCADE, related_name="ballots"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voter"),
        on_delete=models.CASCADE,
        related_name="ballots",
    )
    choices = models.ManyToManyField(Candidate, verbose_name=_("approved"), related_name="ballots")

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            models.UniqueConstraint(fields=["vote", "user"], name="voting_one_ballot_per_member"),
        ]

    def __str__(self) -> str:
        return f"ballot {self.pk}"


class DatePoll(TimeStampedModel):
    mob = models.ForeignKey(
        "mobs.Mob", verbose_name=_("mob"), on_delete=models.CASCADE, related_name="date_polls"
    )
    closes_at = models.DateTimeField(_("closes"))
    status = models.CharField(
        _("status"), max_length=12, choices=PollStatus.choices, default=PollStatus.OPEN
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    chosen = models.ForeignKey(
        "Slot",
        verbose_name=_("chosen slot"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("date poll")
        verbose_name_plural = _("date polls")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["mob"], condition=Q(status="open"), name="voting_one_open_poll_per_mob"
            ),
        ]

    def __str__(self) -> str:
        return f"date poll for {self.mob}"


class Slot(models.Model):
    poll = models.ForeignKey(
        DatePoll, verbose_name=_("poll"), on_delete=models.CASCADE, related_name="slots"
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))

    class Meta:
        verbose_name = _("time slot")
        verbose_name_plural = _("time slots")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "starts_at"], name="voting_slot_once"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="voting_slot_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.starts_at.isoformat()


class SlotAnswer(models.Model):
    class Answer(models.TextChoices):
        YES = "yes", _("Yes")
        MAYBE = "maybe", _("If need be")
        NO = "no", _("No")

    slot = models.ForeignKey(
        Slot, verbose_name=_("slot"), on_delete=models.CASCADE, related_name="answers"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="slot_answers",
    )
    answer = models.CharField(_("answer"), max_length=8, choices=Answer.choices)
    answered_at = models.DateTimeField(_("answered"), auto_now=True)

    class Meta:
        verbose_name = _("slot answer")
        verbose_name_plural = _("slot answers")
        constraints = [
            models.UniqueConstraint(fields=["slot", "user"], name="voting_one_answer_per_slot"),
        ]

    def __str__(self) -> str:
        return self.answer
