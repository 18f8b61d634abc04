from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Value
from django.db.models.functions import Lower, Replace
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from cashmob.core.models import TimeStampedModel
from cashmob.core.validators import no_markup


class Business(TimeStampedModel):
    """An independent local shop that a chapter may mob, with its consent."""

    class Category(models.TextChoices):
        BOOKS = "books", _("Bookshop")
        FOOD = "food", _("Food and groceries")
        CAFE = "cafe", _("Café or bakery")
        RESTAURANT = "restaurant", _("Restaurant or bar")
        CLOTHING = "clothing", _("Clothing and accessories")
        GIFTS = "gifts", _("Gifts and crafts")
        HARDWARE = "hardware", _("Hardware and garden")
        MUSIC = "music", _("Music and games")
        STATIONERY = "stationery", _("Stationery and school supplies")
        WINE = "wine", _("Wine and spirits")
        FLOWERS = "flowers", _("Florist")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        NOMINATED = "nominated", _("Nominated")
        ACTIVE = "active", _("Listed")
        EXCLUDED = "excluded", _("Asked not to be mobbed")
        REMOVED = "removed", _("Removed")

    class PriceRange(models.IntegerChoices):
        LOW = 1, _("Budget")
        MEDIUM = 2, _("Moderate")
        HIGH = 3, _("Upmarket")

    name = models.CharField(_("name"), max_length=120, validators=[no_markup])
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    chapter = models.ForeignKey(
        "chapters.Chapter",
        verbose_name=_("chapter"),
        on_delete=models.PROTECT,
        related_name="businesses",
    )
    description = models.TextField(_("description"), blank=True, max_length=4000)
    category = models.CharField(
        _("category"), max_length=16, choices=Category.choices, default=Category.OTHER
    )
    address = models.CharField(_("street address"), max_length=255, validators=[no_markup])
    city = models.CharField(_("city"), max_length=120, validators=[no_markup])
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    country = CountryField(_("country"))
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    website = models.URLField(_("website"), blank=True, max_length=300)
    #: The website as the duplicate check compares it (see ``website_key_of``), kept by
    #: the database itself so that every write, admin and imports included, has it.
    website_key = models.GeneratedField(
        expression=Replace(
            Replace(
                Replace(Replace(Lower("website"), Value("https://")), Value("http://")),
                Value("www."),
            ),
            Value("/"),
        ),
        output_field=models.CharField(max_length=300),
        db_persist=True,
        verbose_name=_("website, as compared"),
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=300, blank=True)
    price_range = models.PositiveSmallIntegerField(
        _("price range"), choices=PriceRange.choices, null=True, blank=True
    )
    accessibility_notes = models.CharField(_("accessibility"), max_length=500, blank=True)
    transport_notes = models.CharField(_("transport and parking"), max_length=500, blank=True)
    # The eligibility checklist, as attested by the nominator.
    locally_owned = models.BooleanField(_("locally owned"), default=False)
    independent = models.BooleanField(_("independent, not a chain or franchise"), default=False)
    items_within_pledge = models.BooleanField(_("sells items within the pledge"), default=False)
    can_take_crowd = models.BooleanField(_("can take a crowd"), default=False)
    gives_back = models.BooleanField(_("gives back to its community"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NOMINATED
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("nominated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="nominations",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_businesses",
    )
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    last_mobbed_at = models.DateTimeField(_("last mobbed"), null=True, blank=True)
    mob_count = models.PositiveIntegerField(_("mobs held"), default=0)
    nomination_count = models.PositiveIntegerField(_("nominations"), default=0)

    class Meta:
        verbose_name = _("business")
        verbose_name_plural = _("businesses")
        ordering = ["name"]
        indexes = [
            # "Near me": the box and the distance ordering read this index alone (status
            # included, so hidden shops are skipped without touching the table).
            models.Index(fields=["latitude", "longitude", "status"], name="business_position_idx"),
            # The directory in alphabetical order, whole or by category, a page at a time.
            models.Index(fields=["name", "id"], name="business_name_idx"),
            models.Index(fields=["category", "name", "id"], name="business_category_name_idx"),
            models.Index(fields=["chapter", "status"]),
            models.Index(fields=["website_key"], name="business_website_key_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90)
                & models.Q(longitude__gte=-180, longitude__lte=180),
                name="businesses_business_position_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("businesses:detail", kwargs={"slug": self.slug})

    @property
    def is_eligible(self) -> bool:
        return all(
            (
                self.locally_owned,
                self.independent,
                self.items_within_pledge,
                self.can_take_crowd,
            )
        )


class Nomination(TimeStampedModel):
    """One member's nomination of a shop, with their declared interest in it.

    A shop nominated twice keeps one ``Business`` row and gains a second nomination.
    """

    class Interest(models.TextChoices):
        NONE = "none", _("No personal interest")
        OWNER = "owner", _("I own or run it")
        EMPLOYEE = "employee", _("I work there")
        FAMILY = "family", _("A relative or partner owns or works there")
        FRIEND = "friend", _("A friend owns or works there")
        OTHER = "other", _("Other interest")

    business = models.ForeignKey(
        Business, verbose_name=_("business"), on_delete=models.CASCADE, related_name="nominations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("nominated by"),
        on_delete=models.CASCADE,
        related_name="business_nominations",
    )
    chapter = models.ForeignKey(
        "chapters.Chapter",
        verbose_name=_("chapter"),
        on_delete=models.CASCADE,
        related_name="nominations",
    )
    reason = models.CharField(_("why this shop?"), max_length=500, blank=True)
    interest = models.CharField(
        _("personal interest"), max_length=12, choices=Interest.choices, default=Interest.NONE
    )
    interest_note = models.CharField(_("details of the interest"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["user", "created_at"]),
            models.Index(fields=["chapter", "created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["business", "user"], name="businesses_nominate_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} nominated {self.business}"

    @property
    def has_interest(self) -> bool:
        return self.interest != self.Interest.NONE


class BusinessFollow(TimeStampedModel):
    business = models.ForeignKey(
        Business, verbose_name=_("business"), on_delete=models.CASCADE, related_name="follows"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="business_follows",
    )

    class Meta:
        verbose_name = _("business follower")
        verbose_name_plural = _("business followers")
        constraints = [
            models.UniqueConstraint(fields=["business", "user"], name="businesses_follow_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} follows {self.business}"


class ClaimInvitation(TimeStampedModel):
    """A private, single-use link sent to a shop's contact email to claim its profile.

    The link carries a signed token naming this row's ``nonce``; ``used_at`` makes it
    single-use, the signature's timestamp makes it expire.
    """

    business = models.ForeignKey(
        Business, verbose_name=_("business"), on_delete=models.CASCADE, related_name="claims"
    )
    email = models.EmailField(_("sent to"))
    nonce = models.CharField(_("nonce"), max_length=64, unique=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("claimed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("claim invitation")
        verbose_name_plural = _("claim invitations")

    def __str__(self) -> str:
        return f"claim {self.business} ({self.email})"
