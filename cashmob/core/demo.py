"""The demo world: five chapters on three continents, their shops, people and mobs.

Loading is idempotent: every object has a fixed natural key (slug or email) and is written
with ``update_or_create``, and every number comes from a generator seeded by that key. Dates
are placed relative to the day of loading (past mobs weeks ago, upcoming ones in the coming
weeks), so a second load on the same day writes the same values and a later load moves the
same mobs along the calendar without adding or removing any.

Historical rows are written directly rather than through ``cashmob.mobs.services``: the
demo records mobs that already happened, it does not run them. Database constraints (consent,
business chosen, capacity) still apply and are respected.
"""

from __future__ import annotations

import random
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

if TYPE_CHECKING:
    from cashmob.accounts.models import User
    from cashmob.businesses.models import Business
    from cashmob.chapters.models import Chapter
    from cashmob.mobs.models import Mob

DEMO_PASSWORD = "cashmob-demo"  # noqa: S105 - a documented demo login, never used in production.
DEMO_DOMAIN = "demo.cashmob.org"
ORGANISER_EMAIL = f"organiser@{DEMO_DOMAIN}"
MEMBER_EMAIL = f"member@{DEMO_DOMAIN}"
ADMIN_EMAIL = f"admin@{DEMO_DOMAIN}"
OWNER_EMAIL = f"owner@{DEMO_DOMAIN}"


@dataclass(frozen=True)
class ShopData:
    slug: str
    name: str
    category: str
    address: str
    postcode: str
    lat: str
    lon: str
    description: str
    listed: bool = True


@dataclass(frozen=True)
class ChapterData:
    slug: str
    name: str
    city: str
    country: str
    time_zone: str
    currency: str
    language: str
    pledge_minor: int
    lat: str
    lon: str
    description: str
    hashtag: str
    meeting_points: tuple[str, ...]
    organiser: tuple[str, str]
    members: tuple[tuple[str, str], ...]
    shops: tuple[ShopData, ...] = field(default_factory=tuple)


CHAPTERS: tuple[ChapterData, ...] = (
    ChapterData(
        slug="lyon",
        name="Cash Mob Lyon",
        city="Lyon",
        country="FR",
        time_zone="Europe/Paris",
        currency="EUR",
        language="fr",
        pledge_minor=2000,
        lat="45.764043",
        lon="4.835659",
        description=(
            "Des Pentes de la Croix-Rousse au Vieux Lyon, on choisit ensemble une boutique "
            "indépendante et on y passe tous le même jour, 20 € chacun, prix plein."
        ),
        hashtag="#cashmob #lyon",
        meeting_points=(
            "Place des Terreaux, devant la fontaine Bartholdi",
            "Place de la Croix-Rousse, au pied de la statue de Jacquard",
            "Place Saint-Jean, près de la cathédrale",
        ),
        organiser=(ORGANISER_EMAIL, "Camille Durand"),
        members=(
            (MEMBER_EMAIL, "Lucas Martin"),
            (f"ines@{DEMO_DOMAIN}", "Inès Bernard"),
            (f"hugo@{DEMO_DOMAIN}", "Hugo Petit"),
            (f"chloe@{DEMO_DOMAIN}", "Chloé Moreau"),
        ),
        shops=(
            ShopData(
                "librairie-des-canuts",
                "Librairie des Canuts",
                "books",
                "12 rue d'Austerlitz",
                "69004",
                "45.774512",
                "4.832054",
                "Librairie de quartier depuis 1987 : romans, BD, livres jeunesse et un coin "
                "consacré à l'histoire des soyeux.",
            ),
            ShopData(
                "boulangerie-martiniere",
                "Boulangerie de la Martinière",
                "cafe",
                "5 rue de la Martinière",
                "69001",
                "45.768021",
                "4.830112",
                "Pain au levain cuit au feu de bois, brioches aux pralines et tartes du jour.",
            ),
            ShopData(
                "disques-saint-jean",
                "Disques Saint-Jean",
                "music",
                "24 rue Saint-Jean",
                "69005",
                "45.762190",
                "4.827531",
                "Vinyles neufs et d'occasion, jazz, chanson française et labels lyonnais.",
            ),
            ShopData(
                "quincaillerie-croix-rousse",
                "Quincaillerie de la Croix-Rousse",
                "hardware",
                "81 boulevard de la Croix-Rousse",
                "69004",
                "45.774830",
                "4.829044",
                "Clous à l'unité, conseils gratuits et double des clés en deux minutes.",
            ),
            ShopData(
                "fromagerie-des-pentes",
                "Fromagerie des Pentes",
                "food",
                "9 montée de la Grande-Côte",
                "69001",
                "45.770512",
                "4.832790",
                "Saint-marcellin affiné sur place, fromages de chèvre du Beaujolais.",
            ),
            ShopData(
                "papeterie-bellecour",
                "Papeterie Bellecour",
                "stationery",
                "3 rue des Archers",
                "69002",
                "45.759034",
                "4.834021",
                "Carnets, encres, cartes postales et fournitures scolaires depuis trois "
                "générations.",
            ),
            ShopData(
                "cave-du-vieux-lyon",
                "Cave du Vieux Lyon",
                "wine",
                "17 rue du Bœuf",
                "69005",
                "45.763250",
                "4.826811",
                "Vins du Beaujolais et des Côtes du Rhône choisis chez des vignerons indépendants.",
            ),
            ShopData(
                "fleurs-de-saone",
                "Fleurs de Saône",
                "flowers",
                "40 quai Saint-Vincent",
                "69001",
                "45.769044",
                "4.824012",
                "Fleuriste de quai : bouquets de saison et plantes de balcon.",
                listed=False,
            ),
        ),
    ),
    ChapterData(
        slug="malmo",
        name="Cash Mob Malmö",
        city="Malmö",
        country="SE",
        time_zone="Europe/Stockholm",
        currency="SEK",
        language="sv",
        pledge_minor=20000,
        lat="55.604981",
        lon="13.003822",
        description=(
            "Vi väljer tillsammans en självständig butik i Malmö och handlar där samma dag, "
            "200 kronor var, till fullt pris."
        ),
        hashtag="#cashmob #malmö",
        meeting_points=(
            "Möllevångstorget, vid Arbetets ära",
            "Lilla Torg, vid brunnen",
            "Triangeln, vid norra uppgången",
        ),
        organiser=(f"astrid@{DEMO_DOMAIN}", "Astrid Lindqvist"),
        members=(
            (f"erik@{DEMO_DOMAIN}", "Erik Nilsson"),
            (f"sara@{DEMO_DOMAIN}", "Sara Johansson"),
            (f"oskar@{DEMO_DOMAIN}", "Oskar Berg"),
        ),
        shops=(
            ShopData(
                "mollans-bokhandel",
                "Möllans Bokhandel",
                "books",
                "Möllevångsgatan 18",
                "214 20",
                "55.591512",
                "13.007530",
                "Liten bokhandel med skönlitteratur, serier och böcker på tolv språk.",
            ),
            ShopData(
                "bageri-pildammen",
                "Bageri Pildammen",
                "cafe",
                "Carl Gustafs väg 7",
                "214 21",
                "55.593520",
                "12.999041",
                "Surdegsbröd, kardemummabullar och kaffe från ett rosteri i Skåne.",
            ),
            ShopData(
                "skivbutiken-davidshall",
                "Skivbutiken Davidshall",
                "music",
                "Davidshallsgatan 11",
                "211 45",
                "55.598544",
                "13.001022",
                "Vinyl och kassetter, svensk pop och skånska band.",
            ),
            ShopData(
                "jarnhandel-sodervarn",
                "Järnhandel Södervärn",
                "hardware",
                "Trelleborgsvägen 4",
                "214 32",
                "55.589033",
                "13.006514",
                "Järnhandel sedan 1952: verktyg, färg och nycklar medan du väntar.",
            ),
            ShopData(
                "ostkupan-lilla-torg",
                "Ostkupan Lilla Torg",
                "food",
                "Lilla Torg 3",
                "211 34",
                "55.605512",
                "12.999531",
                "Ostar från skånska gårdar, knäckebröd och marmelad.",
            ),
            ShopData(
                "pappershuset-vastra-hamnen",
                "Pappershuset Västra Hamnen",
                "stationery",
                "Stapelbäddsgatan 2",
                "211 19",
                "55.613021",
                "12.982044",
                "Papper, pennor och skolmaterial, med en verkstad för bokbinderi.",
            ),
            ShopData(
                "blomsterboden-triangeln",
                "Blomsterboden Triangeln",
                "flowers",
                "Södra Förstadsgatan 40",
                "211 43",
                "55.594510",
                "13.000033",
                "Blommor och krukväxter från lokala odlare.",
            ),
        ),
    ),
    ChapterData(
        slug="buffalo",
        name="Cash Mob Buffalo",
        city="Buffalo",
        country="US",
        time_zone="America/New_York",
        currency="USD",
        language="en",
        pledge_minor=2000,
        lat="42.886447",
        lon="-78.878369",
        description=(
            "Buffalo's cash mob: once a month we pick a locally owned shop together, show up "
            "at the same hour and spend twenty dollars each, full price."
        ),
        hashtag="#cashmob #buffalo",
        meeting_points=(
            "Bidwell Parkway and Elmwood, by the farmers' market",
            "Allentown, in front of the Allen Street mural",
            "Hertel Avenue, outside the North Park Theatre",
        ),
        organiser=(f"jordan@{DEMO_DOMAIN}", "Jordan Kowalski"),
        members=(
            (f"maria@{DEMO_DOMAIN}", "Maria Rodriguez"),
            (f"dave@{DEMO_DOMAIN}", "Dave O'Connor"),
            (f"keisha@{DEMO_DOMAIN}", "Keisha Williams"),
        ),
        shops=(
            ShopData(
                "elmwood-village-books",
                "Elmwood Village Books",
                "books",
                "747 Elmwood Ave",
                "14222",
                "42.923811",
                "-78.877020",
                "Neighborhood bookstore with a strong kids' corner and local authors' shelf.",
            ),
            ShopData(
                "hertel-avenue-bakery",
                "Hertel Avenue Bakery",
                "cafe",
                "1420 Hertel Ave",
                "14216",
                "42.947520",
                "-78.856031",
                "Sponge candy, rye bread and sugar cookies baked every morning since 1964.",
            ),
            ShopData(
                "allentown-vinyl",
                "Allentown Vinyl",
                "music",
                "225 Allen St",
                "14201",
                "42.900511",
                "-78.874520",
                "Used records, turntable repairs and Buffalo punk on the wall.",
            ),
            ShopData(
                "grant-street-hardware",
                "Grant Street Hardware",
                "hardware",
                "412 Grant St",
                "14213",
                "42.917033",
                "-78.894011",
                "Family-run hardware store: paint, keys, snow shovels and good advice.",
            ),
            ShopData(
                "north-park-provisions",
                "North Park Provisions",
                "food",
                "1585 Hertel Ave",
                "14216",
                "42.947812",
                "-78.848044",
                "Corner grocery with local produce, pierogi and Sahlen's hot dogs.",
            ),
            ShopData(
                "larkinville-paper-co",
                "Larkinville Paper Co.",
                "stationery",
                "745 Seneca St",
                "14210",
                "42.877021",
                "-78.853040",
                "Letterpress cards, school supplies and notebooks printed in the back room.",
            ),
            ShopData(
                "lake-effect-games",
                "Lake Effect Games",
                "music",
                "1120 Niagara St",
                "14213",
                "42.912540",
                "-78.898511",
                "Board games, card tournaments on Fridays and a table for trying before buying.",
            ),
            ShopData(
                "queen-city-wine-cellar",
                "Queen City Wine Cellar",
                "wine",
                "301 Connecticut St",
                "14213",
                "42.912044",
                "-78.890032",
                "Finger Lakes wines and New York craft spirits.",
                listed=False,
            ),
        ),
    ),
    ChapterData(
        slug="melbourne",
        name="Cash Mob Melbourne",
        city="Melbourne",
        country="AU",
        time_zone="Australia/Melbourne",
        currency="AUD",
        language="en",
        pledge_minor=2000,
        lat="-37.813629",
        lon="144.963058",
        description=(
            "From Fitzroy to Footscray: we mob an independent Melbourne shop every month, "
            "twenty dollars each, and meet the neighbours while we're at it."
        ),
        hashtag="#cashmob #melbourne",
        meeting_points=(
            "Fitzroy Town Hall steps",
            "Under the clocks at Flinders Street Station",
            "Footscray Station, Irving Street exit",
        ),
        organiser=(f"mia@{DEMO_DOMAIN}", "Mia Nguyen"),
        members=(
            (f"liam@{DEMO_DOMAIN}", "Liam Murphy"),
            (f"priya@{DEMO_DOMAIN}", "Priya Sharma"),
            (f"tom@{DEMO_DOMAIN}", "Tom Papadopoulos"),
        ),
        shops=(
            ShopData(
                "brunswick-street-books",
                "Brunswick Street Books",
                "books",
                "215 Brunswick St, Fitzroy",
                "3065",
                "-37.800512",
                "144.978530",
                "Secondhand and new books, open late, with a cat called Patrick.",
            ),
            ShopData(
                "smith-street-sourdough",
                "Smith Street Sourdough",
                "cafe",
                "290 Smith St, Collingwood",
                "3066",
                "-37.798521",
                "144.984033",
                "Sourdough, vanilla slices and flat whites from a bakery the size of a lounge.",
            ),
            ShopData(
                "northside-wax",
                "Northside Wax",
                "music",
                "112 Sydney Rd, Brunswick",
                "3056",
                "-37.770044",
                "144.961020",
                "Records from Melbourne's labels and a listening booth in the back.",
            ),
            ShopData(
                "footscray-hardware",
                "Footscray Hardware & Co",
                "hardware",
                "88 Barkly St, Footscray",
                "3011",
                "-37.800033",
                "144.899041",
                "Hardware, garden supplies and a key cutter who has seen everything.",
            ),
            ShopData(
                "degraves-lane-deli",
                "Degraves Lane Deli",
                "food",
                "14 Degraves St, Melbourne",
                "3000",
                "-37.817011",
                "144.965530",
                "Victorian cheeses, olives and smallgoods in a laneway deli.",
            ),
            ShopData(
                "carlton-pen-and-paper",
                "Carlton Pen & Paper",
                "stationery",
                "301 Lygon St, Carlton",
                "3053",
                "-37.798044",
                "144.967021",
                "Fountain pens, notebooks and school supplies for the whole street.",
            ),
            ShopData(
                "yarraville-blooms",
                "Yarraville Blooms",
                "flowers",
                "24 Anderson St, Yarraville",
                "3013",
                "-37.816033",
                "144.890011",
                "Native Australian flowers, arranged while you wait.",
            ),
        ),
    ),
    ChapterData(
        slug="torino",
        name="Cash Mob Torino",
        city="Torino",
        country="IT",
        time_zone="Europe/Rome",
        currency="EUR",
        language="it",
        pledge_minor=2000,
        lat="45.070312",
        lon="7.686856",
        description=(
            "Ogni mese scegliamo insieme una bottega indipendente di Torino e ci andiamo "
            "tutti alla stessa ora: 20 euro a testa, a prezzo pieno."
        ),
        hashtag="#cashmob #torino",
        meeting_points=(
            "Piazza Castello, sotto i portici di via Po",
            "Largo Saluzzo, davanti alla fontana",
            "Piazza Vittorio Veneto, lato fiume",
        ),
        organiser=(f"giulia@{DEMO_DOMAIN}", "Giulia Rossi"),
        members=(
            (f"marco@{DEMO_DOMAIN}", "Marco Bianchi"),
            (f"francesca@{DEMO_DOMAIN}", "Francesca Ferrero"),
            (f"luca@{DEMO_DOMAIN}", "Luca Gallo"),
        ),
        shops=(
            ShopData(
                "libreria-del-quadrilatero",
                "Libreria del Quadrilatero",
                "books",
                "Via Sant'Agostino 8",
                "10122",
                "45.075011",
                "7.680042",
                "Libreria indipendente con narrativa, saggistica e libri su Torino.",
            ),
            ShopData(
                "panetteria-san-salvario",
                "Panetteria San Salvario",
                "cafe",
                "Via Madama Cristina 45",
                "10125",
                "45.056032",
                "7.681011",
                "Grissini stirati a mano, focacce e bicerin il sabato mattina.",
            ),
            ShopData(
                "dischi-vanchiglia",
                "Dischi Vanchiglia",
                "music",
                "Via Vanchiglia 16",
                "10124",
                "45.071533",
                "7.699021",
                "Vinili, cantautori e jazz italiano, con concerti in negozio.",
            ),
            ShopData(
                "ferramenta-borgo-po",
                "Ferramenta Borgo Po",
                "hardware",
                "Corso Casale 12",
                "10131",
                "45.065012",
                "7.701044",
                "Ferramenta di famiglia dal 1958: viti sfuse, vernici e duplicazione chiavi.",
            ),
            ShopData(
                "bottega-del-gianduja",
                "Bottega del Gianduja",
                "food",
                "Via Po 22",
                "10123",
                "45.069021",
                "7.690033",
                "Gianduiotti fatti a mano, nocciole del Piemonte e marron glacé.",
            ),
            ShopData(
                "cartoleria-crocetta",
                "Cartoleria Crocetta",
                "stationery",
                "Corso De Gasperi 30",
                "10129",
                "45.058044",
                "7.660012",
                "Quaderni, penne e materiale scolastico per tre scuole del quartiere.",
            ),
            ShopData(
                "enoteca-porta-palazzo",
                "Enoteca Porta Palazzo",
                "wine",
                "Piazza della Repubblica 9",
                "10122",
                "45.076511",
                "7.683020",
                "Barbera, Nebbiolo e vermouth di piccoli produttori piemontesi.",
            ),
        ),
    ),
)

#: The mobs of each chapter, by the index of their shop in the chapter's list: days from
#: the loading day (negative: in the past), status, and the local start time. Each shop
#: has one mob, and the two oldest rest no more (the default cool-down is 180 days), so
#: they are free again, as is the chapter's unlisted shop: the rotation (see
#: cashmob.mobs.rotation) leaves shops to vote on. Lyon's first shop has the live mob.
MOB_PLAN: tuple[tuple[int, int, str, time], ...] = (
    (0, -250, "reported", time(11, 0)),
    (1, -200, "reported", time(10, 0)),
    (2, -24, "reported", time(18, 0)),
    (3, -3, "closed", time(17, 30)),
    (4, 9, "published", time(11, 0)),
    (5, 30, "published", time(18, 0)),
    (6, 55, "planning", time(11, 0)),
)

TITLES = {
    "fr": "Cash mob chez {shop}",
    "sv": "Cash mob på {shop}",
    "en": "Cash mob at {shop}",
    "it": "Cash mob da {shop}",
    "de": "Cash Mob bei {shop}",
}


@dataclass
class DemoSummary:
    chapters: int = 0
    businesses: int = 0
    users: int = 0
    mobs: int = 0
    logins: list[tuple[str, str]] = field(default_factory=list)
    #: The mob happening now, to try the day of a mob on.
    live: Mob | None = None


def _user(
    *, email: str, name: str, chapter: Chapter | None, password_hash: str, **extra: object
) -> User:
    from allauth.account.models import EmailAddress

    from cashmob.accounts.models import User

    values: dict[str, object] = {
        "display_name": name,
        "home_chapter": chapter,
        "language": chapter.language if chapter else "en",
        **extra,
    }
    # The password is set when the account is created only: a demo user who changed it
    # keeps theirs, and a second load does not rehash forty passwords.
    user, _ = User.objects.update_or_create(
        email=email, defaults=values, create_defaults={**values, "password": password_hash}
    )
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _business(*, chapter: Chapter, data: ShopData, chapter_data: ChapterData) -> Business:
    from cashmob.businesses.models import Business

    listed = data.listed
    business, _ = Business.objects.update_or_create(
        slug=data.slug,
        defaults={
            "name": data.name,
            "chapter": chapter,
            "description": data.description,
            "category": data.category,
            "address": data.address,
            "city": chapter_data.city,
            "postcode": data.postcode,
            "country": chapter_data.country,
            "latitude": Decimal(data.lat),
            "longitude": Decimal(data.lon),
            "website": f"https://{data.slug}.example",
            "contact_email": f"hello@{data.slug}.example",
            "locally_owned": True,
            "independent": True,
            "items_within_pledge": True,
            "can_take_crowd": listed,
            "gives_back": listed,
            "status": Business.Status.ACTIVE if listed else Business.Status.NOMINATED,
        },
    )
    return business


NOMINATION_REASONS = (
    "Everyone on the street knows them, and they deserve a busy afternoon.",
    "Their prices are fair and they stock local makers.",
    "They sponsor the school fair every year; time to give back.",
    "A new owner took over last spring and is still finding customers.",
)


def _nominate(business: Business, user: User, number: int) -> None:
    """Every demo shop was nominated by someone, as real ones are."""
    from cashmob.businesses.models import Business, Nomination

    Nomination.objects.get_or_create(
        business=business,
        user=user,
        defaults={
            "chapter": business.chapter,
            "reason": NOMINATION_REASONS[number % len(NOMINATION_REASONS)],
        },
    )
    Business.objects.filter(pk=business.pk).update(
        nominated_by=user, nomination_count=business.nominations.count()
    )


def _saturday_on_or_after(day: date) -> date:
    return day + timedelta(days=(5 - day.weekday()) % 7)


def _mob(
    *,
    chapter: Chapter,
    chapter_data: ChapterData,
    business: Business,
    organiser: User,
    days: int,
    status: str,
    start: time,
    today: date,
    number: int,
) -> Mob:
    from cashmob.mobs.models import Consent, Mob, MobStatus

    zone = ZoneInfo(chapter_data.time_zone)
    day = today + timedelta(days=days)
    if start.hour < 12:
        # Morning mobs fall on a Saturday, when shops and mobbers both have time.
        day = _saturday_on_or_after(day)
    starts_at = datetime.combine(day, start, tzinfo=zone)
    ends_at = starts_at + timedelta(hours=2)
    # Seeded by the mob's key: the same numbers on every load; nothing secret here.
    rng = random.Random(f"{chapter_data.slug}:{business.slug}")  # noqa: S311
    pledge = chapter_data.pledge_minor
    capacity = rng.choice((None, 40, 60, 80))
    upper = capacity or 90
    values: dict[str, object] = {
        "chapter": chapter,
        "business": business,
        "title": TITLES[chapter_data.language].format(shop=business.name),
        "description": business.description,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "meeting_point": chapter_data.meeting_points[number % len(chapter_data.meeting_points)],
        "pledge_minor": pledge,
        "currency": chapter_data.currency,
        "capacity": capacity,
        "status": status,
        "business_consent": Consent.NOT_ASKED,
        "consent_at": None,
        "published_at": None,
        "created_by": organiser,
        "rsvp_count": 0,
        "waiting_count": 0,
        "pledged_total_minor": 0,
        "checkin_count": 0,
        "reported_total_minor": 0,
        "report_count": 0,
        "confirmed_total_minor": None,
    }
    if status != MobStatus.PLANNING:
        yesterday = datetime.combine(today - timedelta(days=1), time(9, 0), tzinfo=zone)
        published_at = min(starts_at - timedelta(days=14), yesterday)
        values["business_consent"] = Consent.ACCEPTED
        values["consent_at"] = min(starts_at - timedelta(days=21), published_at)
        values["published_at"] = published_at
        rsvps = rng.randint(upper // 2, upper) if days < 0 else rng.randint(8, upper // 2)
        values["rsvp_count"] = rsvps
        values["pledged_total_minor"] = rsvps * pledge
    if status in {MobStatus.CLOSED, MobStatus.REPORTED}:
        rsvps = int(values["rsvp_count"])  # type: ignore[call-overload]
        checkins = rsvps - rng.randint(1, max(rsvps // 6, 1)) + rng.randint(0, 6)
        reports = checkins - rng.randint(0, max(checkins // 5, 1))
        # Mobbers report what they spent: most their pledge, many more, a few less.
        reported = sum(pledge * rng.choice((1, 1, 1, 1.25, 1.5, 2, 0.75)) for _ in range(reports))
        values["checkin_count"] = checkins
        values["report_count"] = reports
        values["reported_total_minor"] = int(reported)
        if status == MobStatus.REPORTED:
            # The till sees the spending nobody reported, so its total is a little higher.
            values["confirmed_total_minor"] = int(reported * rng.uniform(1.05, 1.3))
    mob, _created = Mob.objects.update_or_create(
        slug=f"{chapter_data.slug}-{business.slug}", defaults=values
    )
    return mob


#: Demo people who fill the mobs, per chapter: enough for the biggest demo crowd.
CROWD_SIZE = 90


def _crowd(*, chapter: Chapter, chapter_data: ChapterData, password_hash: str) -> list[User]:
    """The chapter's demo mobbers (members), created once."""
    from cashmob.chapters.models import Membership

    people = []
    for number in range(1, CROWD_SIZE + 1):
        user = _user(
            email=f"mobber{number}.{chapter_data.slug}@demo.cashmob.org",
            name=f"Mobber {number}",
            chapter=chapter,
            password_hash=password_hash,
        )
        Membership.objects.get_or_create(
            chapter=chapter, user=user, defaults={"role": Membership.Role.MEMBER}
        )
        people.append(user)
    return people


def _fill(mob: Mob, crowd: list[User]) -> None:
    """Write the RSVPs, check-ins and spend reports behind the mob's figures, so that
    every page (the day view, the CSV, the tally's curve) shows the same crowd.

    The figures chosen for the mob decide how many rows; the counters are then set
    from the rows. Only the crowd's own rows are replaced on a second load.
    """
    from cashmob.checkin.models import CheckIn, SpendReport
    from cashmob.mobs.models import Mob
    from cashmob.rsvps.models import Rsvp, RsvpStatus

    CheckIn.objects.filter(mob=mob, user__in=crowd).delete()
    Rsvp.objects.filter(mob=mob, user__in=crowd).delete()
    rng = random.Random(f"crowd:{mob.slug}")  # noqa: S311
    going = crowd[: min(mob.rsvp_count, len(crowd))]
    confirmed_at = mob.published_at or mob.created_at
    rsvps = Rsvp.objects.bulk_create(
        Rsvp(
            mob=mob,
            user=user,
            status=RsvpStatus.CONFIRMED,
            pledge_minor=mob.pledge_minor,
            currency=mob.currency,
            confirmed_at=confirmed_at + timedelta(minutes=7 * number),
            nonce=f"demo-{mob.pk}-{user.pk}",
        )
        for number, user in enumerate(going)
    )
    present = rsvps[: mob.checkin_count]
    checkins = CheckIn.objects.bulk_create(
        CheckIn(
            mob=mob,
            user=rsvp.user,
            rsvp=rsvp,
            method=CheckIn.Method.PERSONAL,
            first_time=rng.random() < 0.6,
            at=(mob.starts_at or confirmed_at) + timedelta(seconds=40 * number),
        )
        for number, rsvp in enumerate(present)
    )
    amounts = _split(mob.reported_total_minor, mob.report_count, mob.pledge_minor, rng)
    reports = SpendReport.objects.bulk_create(
        SpendReport(
            mob=mob,
            checkin=checkin,
            amount_minor=amount,
            currency=mob.currency,
            idempotency_key=uuid.UUID(int=rng.getrandbits(128)),
            status=SpendReport.Status.COUNTED,
        )
        for checkin, amount in zip(checkins, amounts, strict=False)
    )
    start = mob.starts_at or confirmed_at
    # Reports arrive through the mob (so far, for one under way), as the tally's curve shows.
    span = min(110, max(int((timezone.now() - start).total_seconds() // 60) - 5, 5))
    for number, report in enumerate(reports):
        at = start + timedelta(minutes=2 + number * span // len(reports))
        SpendReport.objects.filter(pk=report.pk).update(created_at=at)
    # From every row of the mob: people who used the demo keep theirs, and count.
    confirmed = Rsvp.objects.filter(mob=mob, status=RsvpStatus.CONFIRMED)
    counted = SpendReport.objects.filter(mob=mob, status=SpendReport.Status.COUNTED)
    Mob.objects.filter(pk=mob.pk).update(
        rsvp_count=confirmed.count(),
        pledged_total_minor=confirmed.aggregate(total=Sum("pledge_minor"))["total"] or 0,
        waiting_count=Rsvp.objects.filter(mob=mob, status=RsvpStatus.WAITING).count(),
        checkin_count=CheckIn.objects.filter(mob=mob).count(),
        report_count=counted.count(),
        reported_total_minor=counted.aggregate(total=Sum("amount_minor"))["total"] or 0,
    )


def _split(total: int, count: int, pledge: int, rng: random.Random) -> list[int]:
    """``count`` amounts near the pledge that add up to ``total`` exactly."""
    if count <= 0:
        return []
    amounts = [max(100, int(pledge * rng.choice((1, 1, 1, 1.25, 1.5, 0.75)))) for _ in range(count)]
    amounts[-1] = max(100, amounts[-1] + total - sum(amounts))
    return amounts


def _live_mob(*, chapter: Chapter, business: Business, organiser: User, crowd: list[User]) -> Mob:
    """A mob happening right now in Lyon, at the demo owner's shop: its day can be run
    end to end as soon as the demo is loaded (check-ins, reports, the live tally, and
    the shop's till total from its private page once it ends)."""
    from cashmob.accounts.models import User
    from cashmob.mobs.models import Consent, ConsentRequest, Mob, MobStatus
    from cashmob.rsvps.models import Rsvp, RsvpStatus

    now = timezone.now()
    # On the hour, so that loading twice within the hour gives the same world; it started
    # 30 to 90 minutes ago and runs for three hours, so it is live for a while yet.
    starts_at = now.replace(minute=0, second=0, microsecond=0) - timedelta(minutes=30)
    values: dict[str, object] = {
        "chapter": chapter,
        "business": business,
        "title": TITLES["fr"].format(shop=business.name) + " (en ce moment)",
        "description": business.description,
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=3),
        "meeting_point": "Place de la Croix-Rousse, devant la statue",
        "pledge_minor": chapter.default_pledge_minor,
        "currency": chapter.currency,
        "capacity": 60,
        "tipping_point": 25,
        "status": MobStatus.LIVE,
        "business_consent": Consent.ACCEPTED,
        "consent_at": starts_at - timedelta(days=20),
        "published_at": starts_at - timedelta(days=14),
        "created_by": organiser,
        "rsvp_count": 31,
        "checkin_count": 12,
        "report_count": 9,
        "reported_total_minor": 9 * chapter.default_pledge_minor + 1450,
        "confirmed_total_minor": None,
        "waiting_count": 0,
    }
    mob, _created = Mob.objects.update_or_create(slug="lyon-en-ce-moment", defaults=values)
    agreed: dict[str, object] = {
        "business": business,
        "sent_to": business.contact_email or OWNER_EMAIL,
        "sent_by": organiser,
        "expires_at": starts_at + timedelta(hours=3, days=30),
        "slots": [[starts_at.isoformat(), (starts_at + timedelta(hours=3)).isoformat()]],
        "expected_headcount": 31,
        "pledge_minor": mob.pledge_minor,
        "currency": mob.currency,
        "answer": "accepted",
        "answered_at": starts_at - timedelta(days=20),
        "accepted_starts_at": starts_at,
        "accepted_ends_at": starts_at + timedelta(hours=3),
    }
    # The shop's private link stays the same on a second load: its key is made once.
    ConsentRequest.objects.update_or_create(
        mob=mob,
        kind=ConsentRequest.Kind.MOB,
        defaults=agreed,
        create_defaults={**agreed, "nonce": secrets.token_urlsafe(24)},
    )
    # The demo member has said yes, so they can check in with the shop's code and report.
    Rsvp.objects.get_or_create(
        mob=mob,
        user=User.objects.get(email=MEMBER_EMAIL),
        defaults={
            "status": RsvpStatus.CONFIRMED,
            "pledge_minor": mob.pledge_minor,
            "currency": mob.currency,
            "confirmed_at": mob.published_at,
            "nonce": f"demo-{mob.pk}-member",
        },
    )
    _fill(mob, crowd)
    return mob


@transaction.atomic
def demo_load(*, today: date | None = None) -> DemoSummary:
    """Create or refresh the demo world; return what it holds and the logins to try."""
    from django.contrib.sites.models import Site

    from cashmob.accounts.models import User
    from cashmob.businesses.models import Business
    from cashmob.chapters.models import Chapter, Membership
    from cashmob.mobs.models import MobStatus

    today = today or timezone.localdate()
    password_hash = make_password(DEMO_PASSWORD)
    crowds: dict[str, list[User]] = {}
    summary = DemoSummary()

    Site.objects.update_or_create(
        id=settings.SITE_ID,
        defaults={
            "domain": urlsplit(settings.SITE_URL).netloc or "127.0.0.1:8000",
            "name": "Cashmob",
        },
    )
    admin = _user(
        email=ADMIN_EMAIL,
        name="Cashmob Admin",
        chapter=None,
        password_hash=password_hash,
        is_staff=True,
        is_superuser=True,
    )
    summary.users += 1
    summary.logins = [
        (ORGANISER_EMAIL, "organiser of Cash Mob Lyon"),
        (MEMBER_EMAIL, "member of Cash Mob Lyon"),
        (OWNER_EMAIL, "owner of Librairie des Canuts, Lyon"),
        (ADMIN_EMAIL, "site administrator (/admin/)"),
    ]

    for data in CHAPTERS:
        chapter, _ = Chapter.objects.update_or_create(
            slug=data.slug,
            defaults={
                "name": data.name,
                "city": data.city,
                "country": data.country,
                "time_zone": data.time_zone,
                "currency": data.currency,
                "default_pledge_minor": data.pledge_minor,
                "language": data.language,
                "description": data.description,
                "hashtag": data.hashtag,
                "latitude": Decimal(data.lat),
                "longitude": Decimal(data.lon),
                "status": Chapter.Status.ACTIVE,
            },
        )
        summary.chapters += 1
        organiser = _user(
            email=data.organiser[0],
            name=data.organiser[1],
            chapter=chapter,
            password_hash=password_hash,
        )
        Membership.objects.update_or_create(
            chapter=chapter, user=organiser, defaults={"role": Membership.Role.ORGANISER}
        )
        summary.users += 1
        nominators = [organiser]
        for email, name in data.members:
            member = _user(email=email, name=name, chapter=chapter, password_hash=password_hash)
            Membership.objects.update_or_create(
                chapter=chapter, user=member, defaults={"role": Membership.Role.MEMBER}
            )
            nominators.append(member)
            summary.users += 1
        Membership.objects.update_or_create(
            chapter=chapter, user=admin, defaults={"role": Membership.Role.CO_ORGANISER}
        )

        businesses = [
            _business(chapter=chapter, data=shop, chapter_data=data) for shop in data.shops
        ]
        summary.businesses += len(businesses)
        for number, business in enumerate(businesses):
            _nominate(business, nominators[number % len(nominators)], number)
        listed = [b for b in businesses if b.status == Business.Status.ACTIVE]
        crowds[data.slug] = crowd = _crowd(
            chapter=chapter, chapter_data=data, password_hash=password_hash
        )
        summary.users += len(crowd)
        for number, (index, days, status, start) in enumerate(MOB_PLAN):
            mob = _mob(
                chapter=chapter,
                chapter_data=data,
                business=listed[index],
                organiser=organiser,
                days=days,
                status=status,
                start=start,
                today=today,
                number=number,
            )
            _fill(mob, crowd)
            summary.mobs += 1

    owner = _user(
        email=OWNER_EMAIL,
        name="Sophie Laurent",
        chapter=Chapter.objects.get(slug="lyon"),
        password_hash=password_hash,
    )
    summary.users += 1
    Business.objects.filter(slug="librairie-des-canuts").update(owner=owner)
    lyon = Chapter.objects.get(slug="lyon")
    summary.live = _live_mob(
        chapter=lyon,
        business=Business.objects.get(slug="librairie-des-canuts"),
        organiser=User.objects.get(email=ORGANISER_EMAIL),
        crowd=crowds["lyon"],
    )
    summary.mobs += 1

    # Keep the shops' own counters in step with the mobs written above.
    held = (MobStatus.CLOSED, MobStatus.REPORTED)
    for business in Business.objects.filter(slug__in=[s.slug for c in CHAPTERS for s in c.shops]):
        past = business.mobs.filter(status__in=held).order_by("-starts_at")
        last = past.first()
        Business.objects.filter(pk=business.pk).update(
            mob_count=past.count(), last_mobbed_at=last.starts_at if last else None
        )
    return summary
