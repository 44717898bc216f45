"""Forms of the ondergrens: the province filter of the public page, and a norm as the administrator edits it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from keten.socialmap.forms import CHECKBOX_CLASS, term_choices
from keten.socialmap.models import CriterionKind, MinimumStandardCriterion
from keten.socialmap.selectors import MAX_RADIUS_KM
from keten.socialmap.services import CRITERION_FIELDS, MAX_AGE
from keten.socialmap.taxonomy import AUDIENCE, EXPLOITATION_FORM, SERVICE_TYPE


class ProvinceFilterForm(forms.Form):
    provincie = forms.ChoiceField(label=_("Provincie"), required=False,
                                  error_messages={"invalid_choice": _("Kies een provincie uit de lijst.")})

    def __init__(self, *args, provinces: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provincie"].choices = [("", _("Alle provincies")), *provinces]

    def chosen(self) -> str:
        """The chosen province code; "" for all (also when the choice was not valid)."""
        return self.cleaned_data["provincie"] if self.is_bound and self.is_valid() else ""


ANY = [("", _("Maakt niet uit"))]
RADIO_CLASS = "utrecht-radio-button utrecht-radio-button--html-input"


class CriterionForm(forms.Form):
    """A norm. Which fields count follows the kind; the service checks the whole (services.criterion_create)."""

    label = forms.CharField(label=_("Omschrijving"), max_length=200,
                            help_text=_("Zo staat de norm in de tabel, bijvoorbeeld ‘Opvang voor volwassenen "
                                        "binnen 50 km’."))
    kind = forms.ChoiceField(label=_("Soort norm"), choices=CriterionKind.choices,
                             initial=CriterionKind.SERVICE_WITHIN_REACH,
                             widget=forms.RadioSelect(attrs={"class": RADIO_CLASS}))
    service_types = forms.MultipleChoiceField(
        label=_("Soort hulp"), required=False, choices=term_choices(SERVICE_TYPE),
        widget=forms.CheckboxSelectMultiple(attrs={"class": CHECKBOX_CLASS}),
        help_text=_("Alleen voor een norm voor een dienst. Kiest u een hoofdsoort, zoals Opvang, dan tellen alle "
                    "vormen daarvan mee."))
    audience = forms.ChoiceField(label=_("Voor wie"), required=False, choices=ANY + term_choices(AUDIENCE))
    exploitation_form = forms.ChoiceField(label=_("Vorm van uitbuiting"), required=False,
                                          choices=ANY + term_choices(EXPLOITATION_FORM))
    age = forms.IntegerField(label=_("Leeftijd"), required=False, min_value=0, max_value=MAX_AGE,
                             help_text=_("De dienst telt alleen mee als deze leeftijd binnen zijn leeftijdsgrenzen "
                                         "valt: 18 voor volwassenen, bijvoorbeeld 15 voor minderjarigen. Leeg: "
                                         "elke leeftijd."))
    max_distance_km = forms.IntegerField(
        label=_("Afstand in km"), required=False, min_value=1, max_value=MAX_RADIUS_KM,
        help_text=_("Een dienst telt mee als een openbaar adres binnen deze afstand van de gemeente ligt, als de "
                    "gemeente in zijn werkgebied valt, of als hij landelijk werkt."))
    position = forms.IntegerField(label=_("Volgorde"), required=False, min_value=0, max_value=32767,
                                  help_text=_("Een lager getal staat eerder in de tabel. Leeg: achteraan."))
    is_active = forms.BooleanField(label=_("Actief: de norm telt mee in de ondergrens"), required=False,
                                   initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, criterion: MinimumStandardCriterion | None = None, **kwargs):
        if criterion is not None:
            kwargs.setdefault("initial", {**{field: getattr(criterion, field) for field in CRITERION_FIELDS},
                                          "version": criterion.version})
        super().__init__(*args, **kwargs)
        self.fields["version"].required = criterion is not None

    def values(self) -> dict:
        """The norm's values as the services take them."""
        return {field: self.cleaned_data[field] for field in CRITERION_FIELDS}
