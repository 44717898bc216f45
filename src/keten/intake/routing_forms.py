"""Forms of the routing pages: a rule as the national functional administrator edits it, and the dry run's size."""

from django import forms as django_forms
from django.utils.translation import gettext_lazy as _

from keten.intake.models import (
    REPORTER_TYPE_CHOICES,
    ExploitationForm,
    MinorCondition,
    RoutingAction,
    RoutingRule,
    Urgency,
)
from keten.intake.services import MAX_HARD_INDICATORS, RULE_FIELDS
from keten.regions.models import Municipality, Region

CHECKBOX_CLASS = "utrecht-checkbox utrecht-checkbox--html-input"
RADIO_CLASS = "utrecht-radio-button utrecht-radio-button--html-input"
CHOICE_ERRORS = {"invalid_choice": _("Kies uit de lijst.")}


class RegionChoiceField(django_forms.ModelChoiceField):
    def label_from_instance(self, region):
        return f"{region.layer.get_kind_display()}: {region.name}"


def _checkboxes(label, choices, help_text="", required=False):
    return django_forms.MultipleChoiceField(label=label, choices=choices, required=required, help_text=help_text,
                                     widget=django_forms.CheckboxSelectMultiple(attrs={"class": CHECKBOX_CLASS}),
                                     error_messages=CHOICE_ERRORS)


class RuleForm(django_forms.Form):
    """A routing rule (`forms`: the forms of exploitation). Every condition left empty holds for every signal;
    the service checks the whole."""

    name = django_forms.CharField(label=_("Naam"), max_length=200,
                           help_text=_("Zo staat de regel bij elk signaal dat hij routeert, bijvoorbeeld "
                                       "‘Minderjarige: Veilig Thuis’."))
    position = django_forms.IntegerField(label=_("Volgorde"), required=False, min_value=0, max_value=32767,
                                  help_text=_("Regels worden op volgorde geprobeerd; de eerste die past, routeert "
                                              "het signaal. Leeg: achteraan."))
    is_active = django_forms.BooleanField(label=_("Actief: de regel routeert nieuwe signalen"), required=False,
                                   initial=True)
    municipality = django_forms.ModelChoiceField(label=_("Gemeente"), required=False, empty_label=_("Elke gemeente"),
                                          queryset=Municipality.objects.order_by("name"),
                                          error_messages=CHOICE_ERRORS)
    region = RegionChoiceField(label=_("Regio"), required=False, empty_label=_("Elke regio"),
                               queryset=Region.objects.select_related("layer").order_by("layer__kind", "name"),
                               help_text=_("Het signaal past als zijn gemeente in deze regio ligt."),
                               error_messages=CHOICE_ERRORS)
    forms = _checkboxes(_("Vorm van uitbuiting (een van deze)"), ExploitationForm.choices)
    minor = django_forms.ChoiceField(label=_("Minderjarige betrokken"), required=False,
                                     choices=MinorCondition.choices, error_messages=CHOICE_ERRORS,
                                     widget=django_forms.RadioSelect(attrs={"class": RADIO_CLASS}))
    min_hard_indicators = django_forms.IntegerField(label=_("Ten minste zoveel harde signalen"), required=False,
                                             min_value=1, max_value=MAX_HARD_INDICATORS,
                                             help_text=_("Leeg: het aantal telt niet mee."))
    urgencies = _checkboxes(_("Urgentie (een van deze)"), Urgency.choices)
    reporter_types = _checkboxes(_("Gemeld door (een van deze)"), REPORTER_TYPE_CHOICES)
    actions = _checkboxes(_("Acties"), RoutingAction.choices, required=True,
                          help_text=_("Agenderen voor de Signaaltafel zet een signaal niet zelf aan tafel: de "
                                      "triage van de regio doet die stap, met het signaal als geagendeerd."))
    version = django_forms.IntegerField(widget=django_forms.HiddenInput, required=False)

    def __init__(self, *args, rule: RoutingRule | None = None, **kwargs):
        if rule is not None:
            kwargs.setdefault("initial", {**{field: getattr(rule, field) for field in RULE_FIELDS},
                                          "version": rule.version})
        super().__init__(*args, **kwargs)
        self.fields["version"].required = rule is not None
        self.fields["actions"].error_messages["required"] = _("Kies ten minste één actie.")

    def values(self) -> dict:
        """The rule's values as the services take them."""
        return {field: self.cleaned_data[field] for field in RULE_FIELDS}


class TrialForm(django_forms.Form):
    count = django_forms.IntegerField(label=_("Aantal recente signalen"), min_value=1, max_value=500, initial=100,
                               required=False)
