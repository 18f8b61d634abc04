from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from cashmob.businesses.models import Business, BusinessFollow, ClaimInvitation, Nomination
from cashmob.businesses.services import business_exclude
from cashmob.core.errors import DomainError


@admin.register(Business)
class BusinessAdmin(admin.ModelAdmin[Business]):
    list_display = ("name", "chapter", "category", "city", "country", "status")
    list_filter = ("status", "category", "country")
    search_fields = ("name", "address", "city", "website")
    list_select_related = ("chapter",)
    autocomplete_fields = ("chapter", "nominated_by")
    prepopulated_fields = {"slug": ("name",)}
    # Who owns the shop and where it is written to change through a claim (the emailed
    # link) and the owner's own page; its status through the services (the action below).
    readonly_fields = ("status", "owner", "contact_email")
    actions = ("exclude_selected",)

    @admin.action(description=_("Exclude the selected shops from future mobs"))
    def exclude_selected(self, request: HttpRequest, queryset: QuerySet[Business]) -> None:
        """Through the service: mobs still planned around a shop lose it, and it is audited."""
        for business in queryset:
            try:
                business_exclude(
                    business=business,
                    actor=request.user,  # type: ignore[arg-type]
                    reason=str(_("Excluded by a moderator in the admin.")),
                )
            except DomainError as error:
                self.message_user(request, f"{business}: {error.message}", messages.ERROR)
            else:
                self.message_user(request, f"{business}: {_('excluded')}", messages.SUCCESS)


@admin.register(Nomination)
class NominationAdmin(admin.ModelAdmin[Nomination]):
    list_display = ("business", "user", "chapter", "interest", "created_at")
    list_filter = ("interest", "chapter")
    search_fields = ("business__name", "user__email", "reason", "interest_note")
    list_select_related = ("business", "user", "chapter")
    autocomplete_fields = ("business", "user", "chapter")
    date_hierarchy = "created_at"


@admin.register(BusinessFollow)
class BusinessFollowAdmin(admin.ModelAdmin[BusinessFollow]):
    list_display = ("business", "user", "created_at")
    search_fields = ("business__name", "user__email")
    list_select_related = ("business", "user")
    autocomplete_fields = ("business", "user")


@admin.register(ClaimInvitation)
class ClaimInvitationAdmin(admin.ModelAdmin[ClaimInvitation]):
    """Read-only: claims are made through the emailed link, never by hand."""

    list_display = ("business", "email", "requested_by", "created_at", "used_at", "used_by")
    list_filter = ("used_at",)
    search_fields = ("business__name", "email")
    list_select_related = ("business", "requested_by", "used_by")
    exclude = ("nonce",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
