"""The shapes of the signals API: what a client sends to register or move a signal, and what it gets back. They
check types only; the services check the rest and give the reasons (keten.intake.api maps them to fields)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from keten.accounts.roles import OrganisationType
from keten.intake.models import ExploitationForm, Urgency
from keten.intake.workflow import CloseReason, Status

# --- Output ------------------------------------------------------------------------------------------------------


class SignalOutput(serializers.Serializer):
    """A signal's operational facts: what every reader of the signal may see (no text, no people)."""

    id = serializers.UUIDField()
    reference = serializers.CharField()
    version = serializers.IntegerField(help_text=_("Stuur mee bij een statuswijziging."))
    status = serializers.ChoiceField(choices=Status.choices)
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    observed_on = serializers.DateField()
    municipality = serializers.CharField(source="municipality_id")
    municipality_name = serializers.CharField(source="municipality.name")
    forms = serializers.SerializerMethodField()
    reporter_kind = serializers.CharField()
    reporter_organisation = serializers.CharField(source="reporter_organisation.name", allow_null=True,
                                                  default=None)
    close_reason = serializers.CharField()
    triage_due_at = serializers.DateTimeField()
    created_at = serializers.DateTimeField()

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=ExploitationForm.choices)))
    def get_forms(self, signal) -> list[str]:
        return [row.form for row in signal.forms.all()]  # .all(): a list's prefetch serves it


class SignalPage(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SignalOutput(many=True)


class DecisionOutput(serializers.Serializer):
    mode = serializers.ChoiceField(choices=["allow", "pseudonymise", "deny"])
    reason = serializers.CharField()


class IndicatorOutput(serializers.Serializer):
    code = serializers.CharField(source="indicator.code")
    kind = serializers.CharField(source="indicator.kind")
    version = serializers.IntegerField(source="number")
    text = serializers.CharField(source="text_nl")


class PersonOutput(serializers.Serializer):
    role = serializers.CharField()
    alias = serializers.CharField()
    subject_id = serializers.UUIDField(allow_null=True)
    estimated_age = serializers.IntegerField(allow_null=True)
    is_minor = serializers.BooleanField(allow_null=True)


class EntityOutput(serializers.Serializer):
    kind = serializers.CharField()
    value = serializers.CharField(source="shown", allow_null=True,
                                  help_text=_("Leeg als de waarde voor u is afgeschermd."))
    is_place = serializers.BooleanField()


class StepOutput(serializers.Serializer):
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    at = serializers.DateTimeField()
    by = serializers.CharField()
    close_reason = serializers.CharField()
    referred_to = serializers.CharField()
    note = serializers.CharField(allow_null=True)


class SignalDetailOutput(serializers.Serializer):
    """A signal as the caller may see it (keten.intake.selectors.SignalView): the text and notes only with the
    special category in full, the entities' values as the identity category allows; `special` and `identity`
    say why."""

    signal = SignalOutput()
    basis = serializers.CharField(source="signal.basis")
    special = DecisionOutput()
    identity = DecisionOutput()
    description = serializers.CharField(allow_null=True)
    indicators = IndicatorOutput(many=True)
    people = PersonOutput(many=True)
    entities = EntityOutput(many=True)
    history = StepOutput(many=True)


# --- Input -------------------------------------------------------------------------------------------------------


class FilterInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices, required=False,
                                     error_messages={"invalid_choice": _("Onbekende status.")})
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False,
                                      error_messages={"invalid_choice": _("Onbekende urgentie.")})


class ValueInput(serializers.Serializer):
    kind = serializers.CharField(max_length=32)
    value = serializers.CharField(max_length=300, trim_whitespace=True)


class PersonInput(serializers.Serializer):
    role = serializers.CharField(max_length=32)
    estimated_age = serializers.IntegerField(required=False, allow_null=True, default=None)
    is_minor = serializers.BooleanField(required=False, allow_null=True, default=None)
    subject = serializers.UUIDField(required=False, allow_null=True, default=None,
                                    help_text=_("Een bekende persoon die u mag zien; of geef `attributes`."))
    attributes = ValueInput(many=True, required=False, default=list,
                            help_text=_("Gegevens voor een nieuwe persoon, bijvoorbeeld naam en geboortedatum."))


class SignalCreateInput(serializers.Serializer):
    """A professional's signal. Required values are checked by the service, so their reasons match the page's."""

    observed_on = serializers.DateField(required=False, allow_null=True, default=None, error_messages={
        "invalid": _("Dit is geen geldige datum; schrijf bijvoorbeeld 2026-01-31.")})
    municipality = serializers.CharField(required=False, allow_blank=True, default="", max_length=8,
                                         help_text=_("CBS-code van de gemeente, bijvoorbeeld GM0363."))
    forms = serializers.ListField(child=serializers.CharField(max_length=16), required=False, default=list,
                                  max_length=10)
    urgency = serializers.CharField(required=False, allow_blank=True, default="", max_length=8)
    basis = serializers.CharField(required=False, allow_blank=True, default="", max_length=64)
    indicators = serializers.ListField(child=serializers.CharField(max_length=16), required=False, default=list,
                                      max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)
    address = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    people = PersonInput(many=True, required=False, default=list)
    entities = ValueInput(many=True, required=False, default=list)
    consent = serializers.UUIDField(required=False, allow_null=True, default=None,
                                    help_text=_("De vastgelegde toestemming van een vermoedelijk slachtoffer in "
                                                "`people`, bij grondslag `consent`."))


class TransitionInput(serializers.Serializer):
    # Not a ChoiceField: the schema has the status enum once (SignalOutput.status); the workflow refuses others.
    to_status = serializers.CharField(max_length=16, help_text=_("De status waar het signaal naartoe gaat."))
    version = serializers.IntegerField(help_text=_("De versie van het signaal die u het laatst las."))
    close_reason = serializers.ChoiceField(choices=CloseReason.choices, required=False, allow_blank=True,
                                           default="")
    referred_to = serializers.ChoiceField(choices=OrganisationType.choices, required=False, allow_blank=True,
                                          default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")
