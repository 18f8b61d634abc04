from __future__ import annotations

from django.contrib import admin

from cashmob.chapters.models import Chapter, Membership


class MembershipInline(admin.TabularInline[Membership, Chapter]):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Chapter)
class ChapterAdmin(admin.ModelAdmin[Chapter]):
    list_display = ("name", "city", "country", "currency", "time_zone", "status")
    list_filter = ("status", "country", "currency")
    search_fields = ("name", "city", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (MembershipInline,)
