"""The HTML check itself: it must catch what it is there to catch."""

from __future__ import annotations

import pytest

from .html_check import LoadedPage, vnu_errors

VALID = b"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Fine</title></head>
<body data-hx-headers='{"X-CSRFToken": "t"}'>
<form><label for="id_a">A</label><input id="id_a" name="a"></form>
</body></html>"""

BROKEN = b"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Broken</title></head>
<body hx-headers='{"X-CSRFToken": "t"}'>
<form><label for="id_a">A</label><input id="id_a" name="a">
<label for="id_a">B</label><input id="id_a" name="b"></form>
</body></html>"""


@pytest.mark.e2e
def test_html_check_fails_on_duplicate_ids_and_invalid_attributes() -> None:
    """The checker runs over several pages at once and blames only the broken one: for its
    duplicate id and for an attribute HTML does not have."""
    errors = vnu_errors(
        [LoadedPage(test="t", url="/fine/", html=VALID), LoadedPage("t", "/broken/", BROKEN)]
    )
    assert {error.url for error in errors} == {"/broken/"}
    messages = [error.message for error in errors]
    assert any("Duplicate ID" in m and "id_a" in m for m in messages), messages
    assert any("hx-headers" in m and "not allowed" in m for m in messages), messages
