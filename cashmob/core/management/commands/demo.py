"""``cashmob demo``: load (or refresh) the demo world. Running it twice gives the same world."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cashmob.core.demo import DEMO_PASSWORD, demo_load

if TYPE_CHECKING:
    from cashmob.mobs.models import Mob


class Command(BaseCommand):
    help = (
        "Create or refresh a realistic demo world: chapters in five countries, their shops, "
        "organisers and members, past mobs with results and upcoming mobs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load the demo world even when CASHMOB_ENV=production (its logins are public).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION and not options["allow_production"]:
            raise CommandError(
                "Refusing to load demo accounts with a published password in production; "
                "pass --allow-production to do it anyway."
            )
        summary = demo_load()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo world ready: {summary.chapters} chapters, {summary.businesses} shops, "
                f"{summary.mobs} mobs, {summary.users} people."
            )
        )
        if options["verbosity"] >= 1:
            self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
            for email, role in summary.logins:
                self.stdout.write(f"  {email:<32} {role}")
            if summary.live is not None:
                self._live(summary.live)

    def _live(self, mob: Mob) -> None:
        from cashmob.checkin.codes import mob_code
        from cashmob.checkin.owner import owner_url
        from cashmob.core.links import absolute_url
        from cashmob.mobs.models import ConsentRequest

        request = ConsentRequest.objects.filter(mob=mob, kind=ConsentRequest.Kind.MOB).first()
        self.stdout.write("A mob is happening right now, to try the day on:")
        self.stdout.write(f"  check in, report  {absolute_url('checkin:me', slug=mob.slug)}")
        self.stdout.write(f"  organisers' view  {absolute_url('checkin:day', slug=mob.slug)}")
        self.stdout.write(f"  the live tally    {absolute_url('checkin:tally', slug=mob.slug)}")
        self.stdout.write(f"  the shop's code   {mob_code(mob)}  (members type it to check in)")
        if request is not None:
            self.stdout.write(f"  the shop's page   {owner_url(request)}")
