"""Unique slugs for any model with a ``slug`` field."""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import Model
from django.utils.text import slugify


def unique_slug(
    model: type[Model],
    base: str,
    *,
    fallback: str,
    max_length: int,
    reserved: Collection[str] = (),
) -> str:
    """``base`` slugified, cut to fit ``max_length`` with room for a "-N" suffix, and made
    unique by that suffix; never one of ``reserved`` (paths that would hide the page)."""
    root = (slugify(base) or fallback)[:max_length]
    slug, n = root, 2
    while slug in reserved or model._default_manager.filter(slug=slug).exists():
        slug, n = f"{root}-{n}", n + 1
    return slug
