from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from cashmob.core.errors import DomainError
from cashmob.mobs.models import Mob
from cashmob.mobs.services import mob_publish


@admin.register(Mob)
class MobAdmin(admin.ModelAdmin[Mob]):
    list_display = ("title", "chapter", "business", "starts_at", "status", "business_consent")
    list_filter = ("status", "business_consent", "chapter")
    search_fields = ("title", "slug", "business__name")
    list_select_related = ("chapter", "business")
    autocomplete_fields = ("created_by",)
    # Status and consent only change through the state machine (the actions below); the
    # shop, the chapter, the times and the currency only through the organiser's dashboard,
    # where the shop is asked (again) before a mob goes ahead at a shop or a time.
    readonly_fields = (
        "status",
        "business_consent",
        "chapter",
        "business",
        "starts_at",
        "ends_at",
        "currency",
        "consent_at",
        "published_at",
        "cancelled_at",
        "rsvp_count",
        "waiting_count",
        "pledged_total_minor",
        "checkin_count",
        "reported_total_minor",
        "report_count",
    )
    actions = ("publish",)
    #: What the shop agreed to and participants were told: once published, it changes only
    #: through the organiser's dashboard (new times go through the shop, changes are
    #: announced), never silently here.
    AGREED_FIELDS = (
        "meeting_point",
        "pledge_minor",
        "capacity",
        "arrival_waves",
        "tipping_point",
        "reveal_at",
        "confirmed_total_minor",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Mobs are planned from their chapter's page, through the services."""
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Mob | None = None) -> tuple[str, ...]:
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and obj.published_at is not None:
            return fields + tuple(f for f in self.AGREED_FIELDS if f not in fields)
        return fields

    @admin.action(description=_("Publish the selected mobs"))
    def publish(self, request: HttpRequest, queryset: QuerySet[Mob]) -> None:
        for mob in queryset:
            try:
                mob_publish(mob=mob, actor=request.user)  # type: ignore[arg-type]
            except DomainError as error:
                self.message_user(request, f"{mob}: {error.message}", messages.ERROR)
            else:
                self.message_user(request, f"{mob}: {_('published')}", messages.SUCCESS)
