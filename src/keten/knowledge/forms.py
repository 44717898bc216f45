"""Forms of the kennisbank: search, finding a municipality's region, and editing content (with its version, so
that a save never silently overwrites someone else's)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from keten.knowledge.models import Meldpunt, OrganisationProfile, Power, RegionNote, Reviewed
from keten.knowledge.selectors import MAX_QUERY_CHARS
from keten.policy.bases import LEGAL_BASES
from keten.regions.models import LayerKind
from keten.socialmap.selectors import MAX_PLACE_CHARS, resolve_place


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Zoek in de kennisbank"), max_length=MAX_QUERY_CHARS,
                        help_text=_("Een begrip, een organisatie of een gemeente, bijvoorbeeld ‘bedenktijd’, "
                                    "‘RIEC’ of ‘Utrecht’."),
                        error_messages={"required": _("Vul in waar u naar zoekt."),
                                        "max_length": _("Gebruik hoogstens %(limit_value)d tekens.")})


class MunicipalityForm(forms.Form):
    gemeente = forms.CharField(
        label=_("Uw gemeente of postcode"), max_length=MAX_PLACE_CHARS,
        help_text=_("Bijvoorbeeld Utrecht of 3511. U ziet dan de keten in de regio van die gemeente."),
        error_messages={"required": _("Vul een gemeente of postcode in.")})

    def clean_gemeente(self):
        text = self.cleaned_data["gemeente"]
        place = resolve_place(text)
        if place is None or place.municipality is None:
            raise forms.ValidationError(
                _("We vinden geen gemeente of postcode ‘{text}’. Controleer de schrijfwijze, of probeer een postcode "
                  "of de naam van de gemeente.").format(text=text))
        return place.municipality


_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_TEXTAREA = forms.Textarea(attrs={"rows": 6})

#: The region-note fields that speak about a region of this layer; remarks and review fields fit every layer.
NOTE_FIELDS_BY_LAYER = {
    LayerKind.CARE_COORDINATION: ("ketenregisseur", "centrumgemeenten"),
    LayerKind.SIGNAL_TABLE: ("meeting_nl", "meeting_en"),
    LayerKind.VEILIG_THUIS: ("meldpunt",),
}
_NOTE_FACTS = {"ketenregisseur", "centrumgemeenten", "meeting_nl", "meeting_en", "meldpunt"}


class ContentForm(forms.Form):
    """The editable fields of one kind of content, built from the model; `version` is the version the editor read."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, model: type[Reviewed], fields: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.model = model
        for name in fields:
            self.fields[name] = self._field(model, name)
        self.order_fields([*fields, "version"])

    @staticmethod
    def _field(model, name: str) -> forms.Field:
        if name == "legal_bases":
            return forms.MultipleChoiceField(
                label=_("Grondslagen voor delen"), required=False, widget=forms.CheckboxSelectMultiple,
                choices=[(code, basis.citation) for code, basis in LEGAL_BASES.items()],
                error_messages={"invalid_choice": _("Kies de grondslagen uit de lijst.")})
        if name == "powers" and model is OrganisationProfile:
            return forms.MultipleChoiceField(
                label=_("Soorten bevoegdheid"), required=False, widget=forms.CheckboxSelectMultiple,
                choices=Power.choices, error_messages={"invalid_choice": _("Kies uit de lijst.")})
        if name == "centrumgemeenten":
            return forms.CharField(
                label=_("Centrumgemeenten voor de opvang"), required=False, max_length=1000,
                help_text=_("Namen of CBS-codes, gescheiden door komma’s, bijvoorbeeld ‘Utrecht, Amersfoort’."))
        if name == "meldpunt":
            return forms.ChoiceField(label=_("Is Veilig Thuis hier ook het meldpunt mensenhandel?"), required=False,
                                     choices=Meldpunt.choices, widget=forms.RadioSelect)
        model_field = model._meta.get_field(name)
        field = model_field.formfield()
        if name in ("reviewed_on", "review_due"):
            field.widget = _DATE
            field.error_messages["invalid"] = _("Dit is geen geldige datum; schrijf bijvoorbeeld 2027-01-31.")
        elif isinstance(field.widget, forms.Textarea):
            field.widget = _TEXTAREA
            if name.split("_")[0] in ("tasks", "powers", "ask", "sharing", "steps", "arranges", "availability"):
                field.help_text = _("Eén punt per regel.")
        field.error_messages["required"] = _("Vul dit veld in.")
        return field

    @classmethod
    def for_record(cls, record: Reviewed, data=None):
        fields = record.editable_fields()
        if isinstance(record, RegionNote):
            relevant = set(NOTE_FIELDS_BY_LAYER.get(record.region.layer.kind, ()))
            fields = [name for name in fields if name not in _NOTE_FACTS or name in relevant]
        initial = {name: getattr(record, name) for name in fields} | {"version": record.version}
        if "centrumgemeenten" in initial:
            initial["centrumgemeenten"] = ", ".join(initial["centrumgemeenten"])
        return cls(data, model=type(record), fields=fields, initial=initial)

    def clean_centrumgemeenten(self) -> list[str]:
        codes, unknown = [], []
        for part in (p.strip() for p in self.cleaned_data["centrumgemeenten"].split(",")):
            if not part:
                continue
            place = resolve_place(part)
            if place is None or place.municipality is None:
                unknown.append(part)
            elif place.municipality.code not in codes:
                codes.append(place.municipality.code)
        if unknown:
            raise forms.ValidationError(_("Onbekende gemeente: {names}.").format(names=", ".join(unknown)))
        return codes

    def values(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}
