from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from cashmob.businesses.models import Business


def shop_owner(request: HttpRequest) -> dict[str, Callable[[], bool]]:
    """``owns_shop``: whether the signed-in person owns a shop (the header's "My shop").

    A callable, so the query runs only on pages that ask, and once per page.
    """
    user: Any = getattr(request, "user", None)

    @functools.cache
    def owns_shop() -> bool:
        if user is None or not user.is_authenticated:
            return False
        return (
            Business.objects.filter(owner_id=user.pk)
            .exclude(status=Business.Status.REMOVED)
            .exists()
        )

    return {"owns_shop": owns_shop}
