from __future__ import annotations

import factory

from cashmob.accounts.tests.factories import UserFactory
from cashmob.notifications.models import Kind, Notification


class NotificationFactory(factory.django.DjangoModelFactory[Notification]):
    """A change notification not sent yet, for a member."""

    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    kind = Kind.CHANGE
    event_key = factory.Sequence(lambda n: f"mob:{n}:changed")
    template = "mobs/changed"
    context = factory.LazyFunction(
        lambda: {
            "mob_title": "Cash mob at the Corner Shop",
            "changed": ["meeting_point"],
            "starts_at": "2027-03-06T17:00:00+00:00",
            "ends_at": "2027-03-06T19:00:00+00:00",
            "time_zone": "Europe/Paris",
            "meeting_point": "In front of the town hall",
            "previous_meeting_point": "At the market",
            "business_name": "Corner Shop",
            "business_address": "1 Main Street",
            "secret": False,
            "pledge_minor": 2000,
            "currency": "EUR",
            "mob_url": "http://127.0.0.1:8000/mobs/corner-shop/",
        }
    )
