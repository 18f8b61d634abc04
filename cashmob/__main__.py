"""The ``cashmob`` command: Django's management commands, plus ``run`` and ``demo``."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if sys.argv[1:2] == ["run"]:
        # `cashmob run` serves the product as production does (granian, collected and
        # hashed static files, friendly error pages); DEBUG=true still turns debugging on.
        os.environ.setdefault("DEBUG", "false")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
