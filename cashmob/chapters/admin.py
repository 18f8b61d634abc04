from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cashmob.chapters.models import Chapter, ChapterFollow, Membership
from cashmob.chapters.services import chapter_approve
from cashmob.core.errors import DomainError


class MembershipFormSet(BaseInlineFormSet[Membership, Chapter, Any]):
    """Roles edited here follow the chapter's own rule: someone must run the chapter."""

    def clean(self) -> None:
        super().clean()
        organisers = 0
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            organisers += data.get("role") == Membership.Role.ORGANISER
        if organisers == 0 and self.instance.status == Chapter.Status.ACTIVE:
            raise ValidationError(
                _("The chapter needs at least one organiser."), code="last_organiser"
            )


class MembershipInline(admin.TabularInline[Membership, Chapter]):
    model = Membership
    formset = MembershipFormSet
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Chapter)
class ChapterAdmin(admin.ModelAdmin[Chapter]):
    list_display = ("name", "city", "country", "currency", "time_zone", "status")
    list_filter = ("status", "country", "currency")
    search_fields = ("name", "city", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (MembershipInline,)
    actions = ("approve_selected",)
    # A chapter is approved through the service (the action below), which tells the person
    # who asked; its currency is the one its mobs' pledges and totals are counted in.
    readonly_fields = ("status", "currency")

    @admin.action(description=_("Approve selected chapters"))
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[Chapter]) -> None:
        """Approve through the service, so requesters are notified and the audit log kept."""
        approved = 0
        for chapter in queryset.select_related("requested_by"):
            try:
                chapter_approve(chapter=chapter, moderator=request.user)  # type: ignore[arg-type]
            except DomainError as error:
                self.message_user(
                    request, f"{chapter.name}: {error.message}", level=messages.WARNING
                )
            else:
                approved += 1
        if approved:
            self.message_user(
                request,
                ngettext("%(n)d chapter approved.", "%(n)d chapters approved.", approved)
                % {"n": approved},
                level=messages.SUCCESS,
            )


@admin.register(ChapterFollow)
class ChapterFollowAdmin(admin.ModelAdmin[ChapterFollow]):
    list_display = ("user", "chapter", "created_at")
    list_filter = ("chapter",)
    search_fields = ("user__email", "user__display_name", "chapter__name")
    autocomplete_fields = ("user", "chapter")
    list_select_related = ("user", "chapter")
