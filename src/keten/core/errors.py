"""Domain errors that services raise and views translate into a form error or a 4xx response."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule of the domain was broken; the message is shown to the user, in Dutch."""

    default_message = _("De handeling is niet toegestaan.")

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))


class PermissionDenied(DomainError):
    default_message = _("U heeft geen toegang tot deze handeling.")


class ConcurrentUpdate(DomainError):
    """Someone else changed the record since it was read; nothing was written."""

    default_message = _(
        "Iemand anders heeft dit gegeven intussen gewijzigd. Laad de pagina opnieuw en probeer het nog eens."
    )


#: What a page says when its form lost a race: the page shows the stored record and keeps what was typed, against
#: the version stored now (keten.core.forms.with_current_version). ConcurrentUpdate's own message stays for the API.
CONFLICT_ON_PAGE = _(
    "Iemand anders sloeg dit intussen op. Bovenaan staat wat nu is opgeslagen; uw invoer staat nog in het "
    "formulier. Controleer het en sla opnieuw op."
)


class ValidationFailed(DomainError):
    default_message = _("De invoer is niet geldig.")
