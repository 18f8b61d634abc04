"""Upgrading a database from before "one mob per shop": shops that had several mobs on
their way are settled before the constraint is added, so ``migrate`` never fails on them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cashmob.core.models import AuditEntry
from cashmob.mobs.models import Mob, MobStatus
from cashmob.mobs.tests.factories import MobFactory, PublishedMobFactory

BEFORE = [("mobs", "0004_mob_calendar_sequence")]


def _migrate(target: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


@pytest.mark.django_db(transaction=True)
def test_the_most_advanced_mob_keeps_the_shop_the_others_let_it_go() -> None:
    published = PublishedMobFactory()
    shop = published.business
    earlier_plan = MobFactory(chapter=published.chapter, status=MobStatus.PLANNING)
    second_published = PublishedMobFactory(
        chapter=published.chapter, starts_at=published.starts_at + timedelta(days=7)
    )
    elsewhere = PublishedMobFactory()
    _migrate(BEFORE)
    try:
        # As the older version allowed: three mobs on their way at one shop.
        old = MigrationExecutor(connection).loader.project_state(BEFORE[0]).apps
        old.get_model("mobs", "Mob").objects.filter(
            pk__in=[earlier_plan.pk, second_published.pk]
        ).update(business_id=shop.pk)
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    states = dict(Mob.objects.values_list("pk", "status"))
    assert states[published.pk] == MobStatus.PUBLISHED
    assert states[second_published.pk] == MobStatus.CANCELLED
    assert states[earlier_plan.pk] == MobStatus.PLANNING
    assert Mob.objects.get(pk=earlier_plan.pk).business is None
    assert Mob.objects.get(pk=elsewhere.pk).status == MobStatus.PUBLISHED
    assert Mob.objects.filter(business=shop, status__in=[MobStatus.PUBLISHED]).count() == 1
    settled = AuditEntry.objects.filter(data__reason="one_mob_per_shop")
    assert sorted(settled.values_list("object_id", "action")) == sorted(
        [(str(second_published.pk), "mob.cancelled"), (str(earlier_plan.pk), "mob.shop_released")]
    )
