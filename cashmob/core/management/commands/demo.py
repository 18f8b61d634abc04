"""``cashmob demo``: load (or refresh) the demo world. Running it twice gives the same world."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cashmob.core.demo import DEMO_PASSWORD, demo_load


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
