"""The search form of the public social map: a place, a radius and the facets, all in a GET query."""

from django import forms
from django.utils.translation import gettext_lazy as _

from keten.socialmap.selectors import DEFAULT_RADIUS_KM, SearchFilters
from keten.socialmap.taxonomy import AUDIENCE, EXPLOITATION_FORM, GENDER, RESIDENCE_STATUS, SERVICE_TYPE, VOCABULARIES

RADIUS_CHOICES = [(str(km), f"{km} km") for km in (5, 10, 25, 50, 100)]
#: Languages a victim may need help in; codes as stored on the services (ISO 639-1).
LANGUAGE_CHOICES = [
    ("", _("Alle talen")),
    ("nl", _("Nederlands")), ("en", _("Engels")), ("ar", _("Arabisch")), ("bg", _("Bulgaars")),
    ("zh", _("Chinees")), ("de", _("Duits")), ("fr", _("Frans")), ("hu", _("Hongaars")), ("pl", _("Pools")),
    ("pt", _("Portugees")), ("ro", _("Roemeens")), ("ru", _("Russisch")), ("es", _("Spaans")),
    ("th", _("Thai")), ("ti", _("Tigrinya")), ("tr", _("Turks")), ("uk", _("Oekraïens")), ("vi", _("Vietnamees")),
]
CHECKBOX_CLASS = "utrecht-checkbox utrecht-checkbox--html-input"


def term_choices(taxonomy: str) -> list[tuple[str, str]]:
    """The vocabulary's terms in their own order (a parent type before its children); from code, not the
    database, so the form costs no query."""
    vocabulary = next(v for v in VOCABULARIES if v.name == taxonomy)
    return [(term.code, term.name) for term in vocabulary.terms]


def _facet(label, taxonomy: str, help_text="") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(label=label, help_text=help_text, required=False, choices=term_choices(taxonomy),
                                     widget=forms.CheckboxSelectMultiple(attrs={"class": CHECKBOX_CLASS}))


class SearchForm(forms.Form):
    place = forms.CharField(
        label=_("Plaats, postcode of gemeente"), max_length=100,
        help_text=_("Bijvoorbeeld 1011, Amsterdam of GM0363."),
        error_messages={"required": _("Vul een plaats, postcode of gemeente in.")},
    )
    radius = forms.TypedChoiceField(label=_("Zoekafstand"), choices=RADIUS_CHOICES, coerce=int, required=False,
                                    empty_value=DEFAULT_RADIUS_KM, initial=str(DEFAULT_RADIUS_KM))
    capacity = forms.BooleanField(label=_("Alleen met plek vrij"), required=False,
                                  widget=forms.CheckboxInput(attrs={"class": CHECKBOX_CLASS}))
    type = _facet(_("Soort hulp"), SERVICE_TYPE, _("Kiest u een soort opvang of zorg, dan vindt u ook de "
                                                   "vormen daarvan."))
    audience = _facet(_("Voor wie"), AUDIENCE)
    gender = _facet(_("Geslacht"), GENDER)
    form = _facet(_("Vorm van uitbuiting"), EXPLOITATION_FORM)
    status = _facet(_("Verblijfsstatus"), RESIDENCE_STATUS)
    language = forms.ChoiceField(label=_("Taal"), choices=LANGUAGE_CHOICES, required=False)
    age = forms.IntegerField(label=_("Leeftijd van de persoon"), required=False, min_value=0, max_value=120,
                             help_text=_("Laat leeg als u de leeftijd niet weet."))

    #: The facets that live in the "more filters" group of the page.
    FILTER_FIELDS = ("type", "audience", "gender", "form", "status", "language", "age")

    def filters(self) -> SearchFilters:
        data = self.cleaned_data
        return SearchFilters(
            service_types=tuple(data["type"]), audiences=tuple(data["audience"]), genders=tuple(data["gender"]),
            exploitation_forms=tuple(data["form"]), residence_statuses=tuple(data["status"]),
            language=data["language"], age=data["age"], has_capacity=data["capacity"],
        )

    def filter_fields(self):
        return [self[name] for name in self.FILTER_FIELDS]

    def filters_chosen(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.FILTER_FIELDS)
