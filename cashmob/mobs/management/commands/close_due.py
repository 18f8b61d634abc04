"""Close every shop vote and date poll past its closing time (run it every minute or so)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cashmob.voting.services import date_poll_close_due, shop_vote_close_due


class Command(BaseCommand):
    help = "Close the shop votes and date polls whose closing time has passed."

    def handle(self, *args: Any, **options: Any) -> None:
        votes = shop_vote_close_due()
        polls = date_poll_close_due()
        self.stdout.write(f"closed {votes} vote(s) and {polls} date poll(s)")
