"""The product speaks French, German, Italian and Swedish, not just English.

Every catalog under cashmob/locale holds every string of the code, is complete (no empty or
fuzzy entry), keeps the placeholders of its English msgid, is compiled (the .mo matches the
.po, so the product needs no gettext tools at run time), and the home page is actually
served translated.
"""

from __future__ import annotations

import gettext
import html
import os
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po
from django.conf import settings
from django.urls import reverse

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
LANGS = ["fr", "de", "it", "sv"]

# (English in templates/core/home.html, the reviewed translation) per language.
HOME_STRINGS = {
    "fr": [
        ("Find a mob near you", "Trouver un cash mob près de chez vous"),
        ("How a cash mob works", "Comment fonctionne un cash mob"),
    ],
    "de": [
        ("Find a mob near you", "Cash Mob in deiner Nähe finden"),
        ("How a cash mob works", "So funktioniert ein Cash Mob"),
    ],
    "it": [
        ("Find a mob near you", "Trova un cash mob vicino a te"),
        ("How a cash mob works", "Come funziona un cash mob"),
    ],
    "sv": [
        ("Find a mob near you", "Hitta en cash mob nära dig"),
        ("How a cash mob works", "Så fungerar en cash mob"),
    ],
}

# %(name)s, %(n)d ... : the name and the conversion must survive translation.
NAMED = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?([diouxXeEfFgGcrsa])")
BRACE = re.compile(r"(?<!\{)\{(\w*)\}(?!\})")


def _po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "django.po"


def _catalog(lang: str) -> Catalog:
    with _po_path(lang).open("rb") as f:
        return read_po(f)


def _ids(message: Message) -> list[str]:
    return list(message.id) if isinstance(message.id, (list, tuple)) else [message.id]


def _strings(message: Message) -> list[str]:
    if isinstance(message.string, (list, tuple)):
        return list(message.string)
    return [message.string or ""]


def _entries(lang: str) -> list[Message]:
    return [m for m in _catalog(lang) if m.id]


@pytest.mark.parametrize("lang", LANGS)
def test_catalog_is_complete_and_not_fuzzy(lang: str) -> None:
    entries = _entries(lang)
    assert len(entries) > 100, f"{lang}: the catalog looks empty"
    untranslated = [m.id for m in entries if not all(_strings(m))]
    fuzzy = [m.id for m in entries if m.fuzzy]
    assert untranslated == [], f"{lang}: {len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert fuzzy == [], f"{lang}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


def _keys(catalog: Catalog) -> set[tuple[object, str | None]]:
    return {(m.id if isinstance(m.id, str) else tuple(m.id), m.context) for m in catalog if m.id}


def test_catalogs_hold_every_string_of_the_code(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The strings are extracted again (GNU gettext, as ``makemessages`` does) in a copy of
    the source: a string added or changed in the code and missing from the catalogs (so
    shown in English to everyone) fails here. Fix: ``makemessages``, then translate."""
    import shutil
    import subprocess
    import sys

    base = Path(settings.BASE_DIR)
    copy = tmp_path / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.mo", "*.pyc")
    for part in ("cashmob", "config", "templates"):
        shutil.copytree(base / part, copy / part, ignore=ignore)
    subprocess.run(  # noqa: S603 - our own interpreter on our own copy
        [sys.executable, "-m", "cashmob", "makemessages", "--no-obsolete", "--verbosity=0"]
        + [f"--locale={lang}" for lang in LANGS],
        cwd=copy,
        env={**os.environ, "CASHMOB_DATA_DIR": str(tmp_path / "data")},
        check=True,
        timeout=300,
    )
    for lang in LANGS:
        with (copy / "cashmob" / "locale" / lang / "LC_MESSAGES" / "django.po").open("rb") as f:
            extracted = _keys(read_po(f))
        shipped = _keys(_catalog(lang))
        missing = sorted(map(str, extracted - shipped))
        stale = sorted(map(str, shipped - extracted))
        assert missing == [], f"{lang}: not in the catalog yet: {missing[:5]}"
        assert stale == [], f"{lang}: no longer in the code: {stale[:5]}"


@pytest.mark.parametrize("lang", LANGS)
def test_plural_forms_match_the_header(lang: str) -> None:
    catalog = _catalog(lang)
    wrong = [
        m.id for m in catalog if m.id and m.pluralizable and len(_strings(m)) != catalog.num_plurals
    ]
    assert wrong == []


@pytest.mark.parametrize("lang", LANGS)
def test_placeholders_survive_translation(lang: str) -> None:
    problems: list[object] = []
    for m in _entries(lang):
        ids, strings = _ids(m), _strings(m)
        if "python-format" in m.flags:
            expected = {p for s in ids for p in NAMED.findall(s)}
            found = [set(NAMED.findall(s)) for s in strings]
            if m.pluralizable:
                # A singular form may say "one" instead of the number, but every form
                # uses only msgid placeholders and together they use all of them.
                if not all(f <= expected for f in found) or set().union(*found) != expected:
                    problems.append((m.id, expected, found))
            elif found[0] != expected:
                problems.append((m.id, expected, found))
        if "python-brace-format" in m.flags:
            expected = {p for s in ids for p in BRACE.findall(s)}
            if any(set(BRACE.findall(s)) != expected for s in strings):
                problems.append((m.id, expected, [BRACE.findall(s) for s in strings]))
    assert problems == [], f"{lang}: {problems[:5]}"


@pytest.mark.parametrize("lang", LANGS)
def test_babel_format_check_passes(lang: str) -> None:
    """Babel's own checks, less python-format on str.format() strings ("{p}% of ...")."""
    errors = [
        (m.id, [str(e) for e in errs])
        for m, errs in _catalog(lang).check()
        if "python-brace-format" not in m.flags
    ]
    assert errors == []


@pytest.mark.parametrize("lang", LANGS)
def test_html_tags_are_kept(lang: str) -> None:
    tags = re.compile(r"</?[a-z]+")
    wrong = [
        m.id
        for m in _entries(lang)
        if any(sorted(tags.findall(s)) != sorted(tags.findall(_ids(m)[0])) for s in _strings(m))
    ]
    assert wrong == []


@pytest.mark.parametrize("lang", LANGS)
def test_compiled_catalog_is_shipped_and_current(lang: str) -> None:
    """The .mo is committed and says what the .po says (run compilemessages after edits)."""
    mo = _po_path(lang).with_suffix(".mo")
    assert mo.is_file(), f"{mo} is missing: run `python -m cashmob compilemessages`"
    with mo.open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    stale = []
    for m in _entries(lang):
        if m.pluralizable:
            singular, plural = _ids(m)
            # n=1 takes the first form and n=5 the last, in all four languages.
            for n, expected in ((1, _strings(m)[0]), (5, _strings(m)[-1])):
                if m.context:
                    got = compiled.npgettext(m.context, singular, plural, n)
                else:
                    got = compiled.ngettext(singular, plural, n)
                if got != expected:
                    stale.append(m.id)
        else:
            msgid = _ids(m)[0]
            got = compiled.pgettext(m.context, msgid) if m.context else compiled.gettext(msgid)
            if got != m.string:
                stale.append(m.id)
    assert stale == [], f"{lang}: {len(stale)} entries differ from the .mo, e.g. {stale[:5]}"


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_home_page_is_served_in_the_browser_language(client, lang: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    assert response.headers["Content-Language"] == lang
    body = html.unescape(response.content.decode())
    for english, translated in HOME_STRINGS[lang]:
        assert translated in body
        assert english not in body


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_language_cookie_chooses_the_language(client, lang: str) -> None:  # type: ignore[no-untyped-def]
    """The language switcher's cookie wins over the browser's Accept-Language."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    body = html.unescape(response.content.decode())
    english, translated = HOME_STRINGS[lang][0]
    assert translated in body
    assert english not in body


@pytest.mark.django_db
def test_english_stays_english(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    body = html.unescape(response.content.decode())
    assert "Find a mob near you" in body
