from __future__ import annotations

from decimal import Decimal

import factory

from cashmob.businesses.models import Business
from cashmob.chapters.tests.factories import ChapterFactory


class BusinessFactory(factory.django.DjangoModelFactory[Business]):
    class Meta:
        model = Business

    name = factory.Sequence(lambda n: f"Corner Shop {n}")
    slug = factory.Sequence(lambda n: f"corner-shop-{n}")
    chapter = factory.SubFactory(ChapterFactory)
    category = Business.Category.BOOKS
    address = factory.Sequence(lambda n: f"{n} Rue des Libraires")
    city = factory.SelfAttribute("chapter.city")
    country = factory.SelfAttribute("chapter.country")
    latitude = Decimal("48.856600")
    longitude = Decimal("2.352200")
    contact_email = factory.Sequence(lambda n: f"owner{n}@shop.example")
    locally_owned = True
    independent = True
    items_within_pledge = True
    can_take_crowd = True
    gives_back = True
    status = Business.Status.ACTIVE
