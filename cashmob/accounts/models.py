from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person: mobber, organiser, shop owner or moderator. Email is the login."""

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=80,
        blank=True,
        help_text=_("Shown to other mobbers. Leave empty to appear as your email's first part."),
    )
    home_chapter = models.ForeignKey(
        "chapters.Chapter",
        verbose_name=_("home chapter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    notify_new_mobs = models.BooleanField(_("new mobs in my chapters"), default=True)
    notify_votes = models.BooleanField(_("votes and date polls opening"), default=True)
    notify_reminders = models.BooleanField(_("reminders before mobs I joined"), default=True)
    notify_changes = models.BooleanField(_("changes to mobs I joined"), default=True)
    notify_results = models.BooleanField(_("results of mobs I joined"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    NOTIFICATION_FIELDS: ClassVar[tuple[str, ...]] = (
        "notify_new_mobs",
        "notify_votes",
        "notify_reminders",
        "notify_changes",
        "notify_results",
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.public_name

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile")

    @property
    def public_name(self) -> str:
        return self.display_name or self.email.split("@", 1)[0]
