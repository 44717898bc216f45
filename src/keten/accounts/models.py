"""Organisations of the chain, the people who log in, and what role each plays where."""

import hashlib
import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils.translation import gettext_lazy as _

from keten.accounts.roles import OrganisationType, Role
from keten.core.models import BaseModel
from keten.core.privacy import DataCategory as C
from keten.regions.models import Region


class Organisation(BaseModel):
    name = models.CharField(_("naam"), max_length=200, unique=True)
    type = models.CharField(_("type"), max_length=32, choices=OrganisationType.choices)
    regions = models.ManyToManyField(Region, blank=True, related_name="organisations",
                                     verbose_name=_("werkgebied"))
    is_demo = models.BooleanField(default=False, editable=False)

    privacy_categories = dict.fromkeys(["id", "created_at", "updated_at", "version", "name", "type", "is_demo"],
                                       C.OPERATIONAL)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")

    def __str__(self):
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("A user needs an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person (or, for API tokens, a system) that logs in by e-mail address."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(_("e-mailadres"), unique=True)
    full_name = models.CharField(_("naam"), max_length=200, blank=True)
    is_active = models.BooleanField(_("actief"), default=True)
    is_staff = models.BooleanField(default=False)
    is_demo = models.BooleanField(default=False, editable=False)
    is_system = models.BooleanField(default=False, editable=False)
    date_joined = models.DateTimeField(auto_now_add=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    # The professionals' own names and addresses are personal data too; their password hash is operational.
    privacy_categories = {"email": C.IDENTITY, "full_name": C.IDENTITY} | dict.fromkeys(
        ["id", "password", "last_login", "is_superuser", "is_active", "is_staff", "is_demo", "is_system",
         "date_joined"], C.OPERATIONAL)

    class Meta:
        ordering = ["email"]
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")

    def __str__(self):
        return self.full_name or self.email


class Membership(BaseModel):
    """A user's role at one organisation, scoped to a region (no region: national scope)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("rol"), max_length=32, choices=Role.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="memberships", verbose_name=_("regio"))
    is_active = models.BooleanField(default=True)

    privacy_categories = dict.fromkeys(
        ["id", "created_at", "updated_at", "version", "user", "organisation", "role", "region", "is_active"],
        C.OPERATIONAL)

    class Meta:
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role", "region"],
                                    name="membership_unique"),
        ]

    def __str__(self):
        scope = self.region.name if self.region_id else _("landelijk")
        return f"{self.get_role_display()} — {self.organisation} ({scope})"

    @property
    def is_national(self) -> bool:
        return self.region_id is None


class TokenScope(models.TextChoices):
    READ = "read", _("Lezen")
    WRITE = "write", _("Schrijven")


class ApiToken(BaseModel):
    """A system's key to the API, issued by an organisation's functional admin; only its hash is stored."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="api_tokens")
    membership = models.OneToOneField(Membership, on_delete=models.CASCADE, related_name="api_token")
    name = models.CharField(_("naam van het systeem"), max_length=120)
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    privacy_categories = dict.fromkeys(
        ["id", "created_at", "updated_at", "version", "organisation", "membership", "name", "prefix", "key_hash",
         "scopes", "created_by", "expires_at", "revoked_at", "last_used_at"], C.OPERATIONAL)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        # The key is 256 random bits, so a plain SHA-256 suffices; a slow hash would only slow every call.
        return hashlib.sha256(key.encode()).hexdigest()
