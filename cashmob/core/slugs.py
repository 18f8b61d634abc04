"""Unique slugs for any model with a ``slug`` field."""

from __future__ import annotations

from collections.abc import Collection

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils.text import slugify

#: How many times a slug taken by a concurrent save is chosen again before giving up.
SLUG_ATTEMPTS = 5


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


def save_with_unique_slug(
    obj: Model,
    base: str,
    *,
    fallback: str,
    max_length: int,
    reserved: Collection[str] = (),
) -> None:
    """Save the new ``obj`` under a free slug made from ``base``.

    Two requests creating "Books on Main St" at the same moment both find the slug free,
    and the database's unique constraint refuses the second insert: that one picks the
    next free slug and saves again, instead of failing.
    """
    model = type(obj)
    for attempt in range(SLUG_ATTEMPTS):
        obj.slug = unique_slug(  # type: ignore[attr-defined]
            model, base, fallback=fallback, max_length=max_length, reserved=reserved
        )
        try:
            with transaction.atomic():
                obj.save()
        except IntegrityError:
            taken = model._default_manager.filter(slug=obj.slug).exists()  # type: ignore[attr-defined]
            if not taken or attempt == SLUG_ATTEMPTS - 1:
                raise
        else:
            return
