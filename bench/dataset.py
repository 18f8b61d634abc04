"""A large, realistic directory for the benchmarks: shops clustered around world cities.

The demo world is loaded first (people, chapters, mobs), then shops are added until the
directory holds the number asked for. Shops are written in batches through the ORM's
``bulk_create``, so the full-text index (SQLite triggers, PostgreSQL's GIN index) is kept
exactly as it is in production. Running it again adds only what is missing.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction

if TYPE_CHECKING:
    from cashmob.chapters.models import Chapter

BENCH_SLUG_PREFIX = "bench-"
BATCH = 5000


@dataclass(frozen=True, slots=True)
class City:
    name: str
    country: str
    time_zone: str
    currency: str
    language: str
    lat: float
    lon: float
    weight: int


#: Where the shops are: big cities weigh more. Each becomes a chapter of its own.
CITIES: tuple[City, ...] = (
    City("Paris", "FR", "Europe/Paris", "EUR", "fr", 48.8566, 2.3522, 10),
    City("Marseille", "FR", "Europe/Paris", "EUR", "fr", 43.2965, 5.3698, 4),
    City("Berlin", "DE", "Europe/Berlin", "EUR", "de", 52.5200, 13.4050, 8),
    City("Hamburg", "DE", "Europe/Berlin", "EUR", "de", 53.5511, 9.9937, 4),
    City("München", "DE", "Europe/Berlin", "EUR", "de", 48.1351, 11.5820, 4),
    City("Milano", "IT", "Europe/Rome", "EUR", "it", 45.4642, 9.1900, 5),
    City("Roma", "IT", "Europe/Rome", "EUR", "it", 41.9028, 12.4964, 6),
    City("Stockholm", "SE", "Europe/Stockholm", "SEK", "sv", 59.3293, 18.0686, 4),
    City("Göteborg", "SE", "Europe/Stockholm", "SEK", "sv", 57.7089, 11.9746, 2),
    City("London", "GB", "Europe/London", "GBP", "en", 51.5072, -0.1276, 10),
    City("Manchester", "GB", "Europe/London", "GBP", "en", 53.4808, -2.2426, 3),
    City("New York", "US", "America/New_York", "USD", "en", 40.7128, -74.0060, 12),
    City("Cleveland", "US", "America/New_York", "USD", "en", 41.4993, -81.6944, 3),
    City("Chicago", "US", "America/Chicago", "USD", "en", 41.8781, -87.6298, 6),
    City("San Francisco", "US", "America/Los_Angeles", "USD", "en", 37.7749, -122.4194, 5),
    City("Toronto", "CA", "America/Toronto", "CAD", "en", 43.6532, -79.3832, 5),
    City("Montréal", "CA", "America/Toronto", "CAD", "fr", 45.5019, -73.5674, 4),
    City("Sydney", "AU", "Australia/Sydney", "AUD", "en", -33.8688, 151.2093, 5),
    City("Melbourne", "AU", "Australia/Melbourne", "AUD", "en", -37.8136, 144.9631, 4),
    City("Auckland", "NZ", "Pacific/Auckland", "NZD", "en", -36.8509, 174.7645, 2),
    City("Zürich", "CH", "Europe/Zurich", "CHF", "de", 47.3769, 8.5417, 2),
    City("Bruxelles", "BE", "Europe/Brussels", "EUR", "fr", 50.8503, 4.3517, 3),
    City("Amsterdam", "NL", "Europe/Amsterdam", "EUR", "en", 52.3676, 4.9041, 4),
    City("Wien", "AT", "Europe/Vienna", "EUR", "de", 48.2082, 16.3738, 3),
    City("Dublin", "IE", "Europe/Dublin", "EUR", "en", 53.3498, -6.2603, 2),
    City("Suva", "FJ", "Pacific/Fiji", "FJD", "en", -18.1416, 178.4419, 1),
)

KINDS = {
    "books": ("Librairie", "Bookshop", "Buchhandlung", "Libreria", "Bokhandel"),
    "food": ("Épicerie", "Deli", "Feinkost", "Alimentari", "Delikatess"),
    "cafe": ("Café", "Coffee House", "Kaffeehaus", "Caffè", "Kafé"),
    "gifts": ("Atelier", "Craft Studio", "Werkstatt", "Bottega", "Hantverk"),
    "music": ("Disquaire", "Records", "Plattenladen", "Dischi", "Skivbutik"),
    "clothing": ("Boutique", "Outfitters", "Modehaus", "Sartoria", "Klädbutik"),
    "hardware": ("Quincaillerie", "Hardware", "Eisenwaren", "Ferramenta", "Järnhandel"),
    "other": ("Maison", "General Store", "Laden", "Emporio", "Butik"),
}
SURNAMES = (  # noqa: SIM905 - a list of words reads best as one string
    "Martin Bernard Dubois Laurent Moreau Girard Rossi Russo Bianchi Romano Colombo Ricci "
    "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Andersson Johansson "
    "Karlsson Nilsson Eriksson Larsson Smith Jones Taylor Brown Williams Wilson Johnson "
    "Davies Evans Thomas Roberts Walker Wright Thompson White Hughes Edwards Green Hall "
    "Wood Harris Lewis Clarke Jackson Patel Nguyen Kim Garcia Lopez Silva Santos Kowalski "
    "Nowak Horvat Novak Dupont Lefebvre Fontaine Chevalier Rousseau Blanc Guerin Muller "
    "Henry Roussel Nicolas"
).split()
WORDS = (  # noqa: SIM905 - a list of words reads best as one string
    "handmade local organic vintage secondhand artisan family fresh seasonal bakery bread "
    "cheese wine coffee tea books comics vinyl records guitars toys games wool yarn "
    "fabric pottery ceramics jewellery leather shoes bicycles repair tools paint garden "
    "flowers plants herbs spices chocolate pastries pasta olive honey soap candles prints "
    "maps stationery notebooks pens cards gifts antiques furniture lamps frames posters "
    "kitchen knives bread sourdough croissants cakes icecream gelato juice beer cider "
    "friendly independent neighbourhood corner since generations owner run sustainable "
    "zero waste refill bulk fair trade community workshops classes tastings readings "
    "concerts"
).split()
STREETS = ("Main Street", "Rue de la Paix", "Hauptstraße", "Via Roma", "Storgatan", "High Street")


def _chapters() -> list[tuple[Chapter, City]]:
    from django.utils.text import slugify

    from cashmob.chapters.models import Chapter

    chapters = []
    for city in CITIES:
        chapter, _created = Chapter.objects.get_or_create(
            slug=f"{BENCH_SLUG_PREFIX}{slugify(city.name)}",
            defaults={
                "name": f"Cash Mob {city.name}",
                "city": city.name,
                "country": city.country,
                "time_zone": city.time_zone,
                "currency": city.currency,
                "default_pledge_minor": 2000,
                "language": city.language,
                "latitude": Decimal(f"{city.lat:.6f}"),
                "longitude": Decimal(f"{city.lon:.6f}"),
                "status": Chapter.Status.ACTIVE,
            },
        )
        chapters.append((chapter, city))
    return chapters


def _wrap(lon: float) -> float:
    return (lon + 180.0) % 360.0 - 180.0


def business_rows(start: int, count: int, chapters: list[tuple[Chapter, City]], seed: int):  # type: ignore[no-untyped-def]
    """The shops numbered ``start`` to ``start + count - 1``, the same ones on every run,
    as dictionaries of column values."""
    weights = [city.weight for _chapter, city in chapters]
    categories = list(KINDS)
    for number in range(start, start + count):
        rng = random.Random(seed * 1_000_003 + number)
        chapter, city = rng.choices(chapters, weights=weights)[0]
        # Most shops sit within a few kilometres of the centre; some in the suburbs.
        spread = 0.03 if rng.random() < 0.8 else 0.3
        lat = max(-89.9, min(89.9, rng.gauss(city.lat, spread)))
        lon = _wrap(rng.gauss(city.lon, spread * 1.4))
        category = rng.choice(categories)
        yield {
            "name": f"{rng.choice(KINDS[category])} {rng.choice(SURNAMES)}",
            "slug": f"{BENCH_SLUG_PREFIX}{number}",
            "chapter_id": chapter.pk,
            "description": " ".join(rng.choices(WORDS, k=rng.randint(6, 14))),
            "category": category,
            "address": f"{rng.randint(1, 300)} {rng.choice(STREETS)}",
            "city": city.name,
            "country": city.country,
            "latitude": round(lat, 6),
            "longitude": round(lon, 6),
            "can_take_crowd": rng.random() < 0.7,
            "gives_back": rng.random() < 0.5,
            "price_range": rng.randint(1, 3),
        }


def _insert_statement() -> tuple[str, list[str], dict[str, Any]]:
    """An INSERT of every column of a shop, and the values of the columns not generated.

    Rows go straight to the database cursor: the ORM's per-object work would make a
    million-row load take several times longer, and the table's triggers and indexes
    (the full-text index among them) see exactly the same INSERTs.
    """
    from django.utils import timezone

    from cashmob.businesses.models import Business

    now = timezone.now()
    fixed: dict[str, Any] = {
        "created_at": now,
        "updated_at": now,
        "locally_owned": True,
        "independent": True,
        "items_within_pledge": True,
        "status": Business.Status.ACTIVE.value,
    }
    columns = []
    for model_field in Business._meta.concrete_fields:
        if model_field.primary_key or model_field.generated:
            continue  # the database fills these
        columns.append(model_field.column)
        if model_field.column not in fixed:
            default = model_field.get_default()
            fixed[model_field.column] = default
    for column, value in list(fixed.items()):
        model_field = next(f for f in Business._meta.concrete_fields if f.column == column)
        fixed[column] = model_field.get_db_prep_save(value, connection)
    table = connection.ops.quote_name(Business._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    return f"INSERT INTO {table} ({names}) VALUES ({marks})", columns, fixed  # noqa: S608


def dataset_ensure(*, businesses: int, seed: int = 2011, echo=print) -> int:  # type: ignore[no-untyped-def]
    """Load the demo world if the database is empty, then add shops up to ``businesses``.

    Returns how many shops were added.
    """
    from cashmob.businesses.models import Business
    from cashmob.chapters.models import Chapter
    from cashmob.core.demo import demo_load

    if not Chapter.objects.exists():
        echo("Loading the demo world…")
        demo_load()
    chapters = _chapters()
    have = Business.objects.count()
    missing = max(businesses - have, 0)
    if not missing:
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE" if connection.vendor == "sqlite" else "ANALYZE businesses_business"
            )
        return 0
    start = Business.objects.filter(slug__startswith=BENCH_SLUG_PREFIX).count()
    echo(f"Adding {missing:,} shops to the {have:,} there are…")
    began = time.monotonic()
    rows = business_rows(start, missing, chapters, seed)
    sql, columns, fixed = _insert_statement()
    written = 0
    while written < missing:
        batch = [
            tuple(row[c] if c in row else fixed[c] for c in columns)
            for _i, row in zip(range(BATCH), rows, strict=False)
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, batch)
        written += len(batch)
        if written % 100_000 < BATCH or written == missing:
            rate = written / max(time.monotonic() - began, 1e-9)
            echo(f"  {written:,} / {missing:,} ({rate:,.0f} shops/s)")
    with connection.cursor() as cursor:
        # Statistics for the planner, as a production database would have them.
        cursor.execute(
            "ANALYZE" if connection.vendor == "sqlite" else "ANALYZE businesses_business"
        )
    return written
