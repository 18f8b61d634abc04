from __future__ import annotations

from typing import Any

from django.db import transaction

from cashmob.accounts.models import User

PROFILE_FIELDS = ("display_name", "home_chapter", "language", *User.NOTIFICATION_FIELDS)


@transaction.atomic
def user_update_profile(*, user: User, data: dict[str, Any]) -> User:
    """Save the profile fields in ``data`` (already validated by a form or schema)."""
    for field in PROFILE_FIELDS:
        if field in data:
            setattr(user, field, data[field])
    user.full_clean(exclude=["password"])
    user.save(update_fields=[f for f in PROFILE_FIELDS if f in data])
    return user
