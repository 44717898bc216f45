"""A notification: something one membership must look at in Keten, shown in the app and sent by e-mail."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from keten.accounts.models import Membership
from keten.core.models import BaseModel
from keten.core.privacy import BASE_MODEL_CATEGORIES
from keten.core.privacy import DataCategory as C


class NotificationKind(models.TextChoices):
    ROUTING = "routing", _("Signaal gerouteerd")
    ACUTE = "acute", _("Acuut signaal")
    DEADLINE_SOON = "deadline_soon", _("Triagetermijn loopt af")
    OVERDUE = "overdue", _("Te laat voor triage")
    TASK = "task", _("Taak")
    TABLE = "table", _("Signaaltafel")


class Notification(BaseModel):
    """One notice for one membership (a role at an organisation), so it reaches whoever holds that role there.

    The title holds operational words only (a signal's reference, its municipality, a deadline), never a name or a
    description: it is also what an e-mail would be about. `link` is a path inside Keten, where the recipient sees
    what policy lets them see. `key` names what the notice is about ("signal:<id>:overdue"): one notice per key
    per membership, so repeating a scan never notifies twice."""

    recipient = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="notifications",
                                  verbose_name=_("ontvanger"))
    kind = models.CharField(_("soort"), max_length=16, choices=NotificationKind.choices)
    title = models.CharField(_("titel"), max_length=200)
    link = models.CharField(_("link"), max_length=300)
    key = models.CharField(_("sleutel"), max_length=64)
    read_at = models.DateTimeField(_("gelezen op"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("gemaild op"), null=True, blank=True)

    privacy_categories = {**BASE_MODEL_CATEGORIES,
                          **dict.fromkeys(["recipient", "kind", "title", "link", "key", "read_at", "emailed_at"],
                                          C.OPERATIONAL)}

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_key_unique")]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
                   models.Index(fields=["recipient", "-created_at"], name="notification_recent_idx")]

    def __str__(self):
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
