from __future__ import annotations

from django.contrib import admin

from cashmob.businesses.models import Business


@admin.register(Business)
class BusinessAdmin(admin.ModelAdmin[Business]):
    list_display = ("name", "chapter", "category", "city", "country", "status")
    list_filter = ("status", "category", "country")
    search_fields = ("name", "address", "city", "website")
    list_select_related = ("chapter",)
    autocomplete_fields = ("chapter", "nominated_by", "owner")
    prepopulated_fields = {"slug": ("name",)}
