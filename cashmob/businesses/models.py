from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from cashmob.core.models import TimeStampedModel


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

    name = models.CharField(_("name"), max_length=120)
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
    address = models.CharField(_("street address"), max_length=255)
    city = models.CharField(_("city"), max_length=120)
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
    last_mobbed_at = models.DateTimeField(_("last mobbed"), null=True, blank=True)

    class Meta:
        verbose_name = _("business")
        verbose_name_plural = _("businesses")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["latitude", "longitude"]),
            models.Index(fields=["chapter", "status"]),
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
