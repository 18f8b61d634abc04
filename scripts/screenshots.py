"""Regenerate the README's screenshots from the ones the end-to-end suite saved.

Run the suite first (``.venv/bin/pytest tests/e2e -m e2e``); it saves full-page screenshots
of key pages, on a desktop and a 360x740 phone, under ``var/e2e-output/screenshots`` (or
``$CASHMOB_E2E_OUTPUT/screenshots``). This script copies the chosen ones into
``docs/screenshots/`` and fails if one is missing, so the README never shows a stale page.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
#: Screenshots the README and docs show, by file name.
CHOSEN = (
    "home-desktop.png",
    "home-phone.png",
    "home-desktop-dark.png",
    "chapter-desktop.png",
    "mob-desktop.png",
    "mob-phone.png",
    "tally-desktop.png",
    "tally-phone.png",
    "results-desktop.png",
    "dashboard-reschedule-desktop.png",
    "guest-day-phone.png",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--source",
        type=Path,
        default=Path(os.environ.get("CASHMOB_E2E_OUTPUT", BASE_DIR / "var" / "e2e-output"))
        / "screenshots",
        help="Where the suite saved its screenshots (default: %(default)s).",
    )
    parser.add_argument(
        "--target",
        type=Path,
        default=BASE_DIR / "docs" / "screenshots",
        help="Where the docs keep them (default: %(default)s).",
    )
    args = parser.parse_args(argv)
    missing = [name for name in CHOSEN if not (args.source / name).is_file()]
    if missing:
        print(
            f"Missing in {args.source}: {', '.join(missing)}. Run the e2e suite first.",
            file=sys.stderr,
        )
        return 1
    args.target.mkdir(parents=True, exist_ok=True)
    for name in CHOSEN:
        shutil.copyfile(args.source / name, args.target / name)
        print(f"{args.target / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
