"""Forms of the signal pages: a professional's signal (with a few rows for people and entities), the list filter,
one workflow step, and the minimal signal of the public guide. They check what a page can tell at once (required
fields, identifying values through the identity store's normalisers); the services check the whole."""

from django import forms
from django.conf import settings
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _

from keten.accounts.roles import OrganisationType
from keten.identity.models import ATTRIBUTE_NORMALISER, EntityKind
from keten.identity.normalise import InvalidValue, normalise
from keten.intake.guide import NOTICED, UNKNOWN, Minor
from keten.intake.guide_forms import NOTICED_CHOICES
from keten.intake.models import ADULT_AGE, DESCRIPTION_WARNING, ExploitationForm, PersonRole, Urgency
from keten.intake.services import MAX_AGE, MAX_DESCRIPTION_CHARS, MAX_GUIDE_DESCRIPTION_CHARS, PersonInput
from keten.intake.workflow import MAX_NOTE_CHARS, CloseReason, Status
from keten.policy.bases import LEGAL_BASES
from keten.regions.models import Municipality
from keten.socialmap.selectors import MAX_PLACE_CHARS, resolve_place

#: Rows a page offers; the service takes more (through the API).
PERSON_ROWS = 3
ENTITY_ROWS = 5
PAGE_BASES = [(code, basis.citation) for code, basis in LEGAL_BASES.items()]
YES, NO, UNSURE = "yes", "no", "unsure"
MINOR_CHOICES = [(YES, _("Ja")), (NO, _("Nee")), (UNSURE, _("Weet ik niet"))]
MINOR_VALUE = {YES: True, NO: False, UNSURE: None, "": None}


def _checked_value(form: forms.Form, field: str, kind: str) -> str:
    """The field's text, checked as the identity store will check it; the reason goes next to the field."""
    raw = form.cleaned_data.get(field, "")
    if raw:
        try:
            normalise(kind, raw)
        except InvalidValue as error:
            form.add_error(field, capfirst(str(error.reason)))
    return raw


class PlaceField(forms.CharField):
    """A municipality as the social map's search understands a place: a name, CBS code or postcode."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", MAX_PLACE_CHARS)
        super().__init__(*args, **kwargs)

    def clean(self, value) -> Municipality:
        text = super().clean(value)
        place = resolve_place(text)
        if place is None or place.municipality is None:
            raise forms.ValidationError(
                _("We vinden geen gemeente of postcode ‘{text}’. Controleer de schrijfwijze, of probeer een "
                  "postcode of de naam van de gemeente.").format(text=text))
        return place.municipality


ATTACHMENT_HELP = format_lazy(
    _("PDF, PNG of JPEG, hoogstens {mb} MB per bestand, bijvoorbeeld een foto van een advertentie. Alleen wie de "
      "omschrijving mag lezen, kan een bijlage openen. Na een fout moet u de bestanden opnieuw kiezen."),
    mb=settings.KETEN_ATTACHMENT_MAX_BYTES // (1024 * 1024))
ATTACHMENT_TYPES = ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; cleaned to a list (empty when none were chosen)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ATTACHMENT_TYPES}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(one, initial) for one in files]


class SignalForm(forms.Form):
    municipality = PlaceField(
        label=_("Gemeente"),
        help_text=_("Waar het signaal zich voordeed: de naam van de gemeente of een postcode, bijvoorbeeld Utrecht "
                    "of 3511."),
        error_messages={"required": _("Vul de gemeente in waar het signaal zich voordeed.")})
    address = forms.CharField(
        label=_("Adres waar het is gezien (niet verplicht)"), required=False, max_length=200,
        help_text=_("Straat en huisnummer. Het adres komt in de beveiligde identiteitsopslag, niet in het signaal."))
    observed_on = forms.DateField(
        label=_("Datum waarop het is gezien"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Vul de datum in waarop u het zag."),
                        "invalid": _("Dit is geen geldige datum; schrijf bijvoorbeeld 2026-01-31.")})
    # Rendered by the page grouped by form and theme; the choices are the catalogue's current codes.
    indicators = forms.MultipleChoiceField(
        label=_("Indicatoren"), required=False,
        error_messages={"invalid_choice": _("Onbekende of vervallen indicator: %(value)s.")})
    description = forms.CharField(
        label=_("Omschrijving"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
        max_length=MAX_DESCRIPTION_CHARS, help_text=DESCRIPTION_WARNING,
        error_messages={"max_length": _("De omschrijving is te lang: gebruik hoogstens %(limit_value)d tekens.")})
    urgency = forms.ChoiceField(
        label=_("Urgentie"), choices=Urgency.choices, initial=Urgency.NORMAL,
        widget=forms.RadioSelect(attrs={"data-urgency": ""}),
        help_text=_("Acuut: iemand is nu in direct gevaar. Hoog: binnen een werkdag beoordelen. Normaal: binnen "
                    "vijf werkdagen."),
        error_messages={"required": _("Kies de urgentie: acuut, hoog of normaal."),
                        "invalid_choice": _("Kies de urgentie: acuut, hoog of normaal.")})
    basis = forms.ChoiceField(
        label=_("Grondslag voor het melden"), choices=[("", _("Kies een grondslag")), *PAGE_BASES],
        help_text=_("Op grond waarvan u dit signaal doorgeeft. Melden met toestemming van de persoon? Leg die "
                    "toestemming eerst vast bij de persoon en vul hieronder het kenmerk van de persoon in."),
        error_messages={"required": _("Kies de grondslag waarop u meldt."),
                        "invalid_choice": _("Kies de grondslag waarop u meldt.")})
    known_person = forms.CharField(
        label=_("Kenmerk van een bekende persoon (niet verplicht)"), required=False, max_length=12,
        help_text=_("Gaat het signaal over een vermoedelijk slachtoffer dat al in Keten staat (Personen), vul dan "
                    "het kenmerk in, bijvoorbeeld K-4821M. Melden met toestemming kan alleen zo: de toestemming is "
                    "bij de persoon vastgelegd."))
    attachments = MultipleFileField(
        label=_("Bijlagen (niet verplicht)"), required=False, help_text=ATTACHMENT_HELP,
        error_messages={"empty": _("Een van de bestanden is leeg.")})

    # Last: from here on `forms` in this class body is the field, no longer the module.
    forms = forms.MultipleChoiceField(
        label=_("Vorm van uitbuiting"), choices=ExploitationForm.choices, widget=forms.CheckboxSelectMultiple,
        help_text=_("Kies alles wat past, of ‘Onbekend’ als u het (nog) niet kunt zeggen."),
        error_messages={"required": _("Kies ten minste één vorm van uitbuiting, of ‘onbekend’."),
                        "invalid_choice": _("Kies de vorm van uitbuiting uit de lijst.")})

    def __init__(self, *args, indicator_codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicators"].choices = [(code, code) for code in indicator_codes]

    def clean_address(self) -> str:
        return _checked_value(self, "address", EntityKind.ADDRESS)


class PersonForm(forms.Form):
    """One person the signal is about; a row left empty is no person."""

    role = forms.ChoiceField(label=_("Rol"), required=False, choices=[("", _("Kies een rol")),
                                                                      *PersonRole.choices])
    minor = forms.ChoiceField(label=_("Minderjarig?"), required=False, choices=MINOR_CHOICES, initial=UNSURE,
                              widget=forms.RadioSelect)
    estimated_age = forms.IntegerField(
        label=_("Geschatte leeftijd (niet verplicht)"), required=False, min_value=0, max_value=MAX_AGE,
        error_messages={"invalid": _("Vul een leeftijd in jaren in, bijvoorbeeld 16."),
                        "min_value": _("Een geschatte leeftijd ligt tussen 0 en %(limit_value)s jaar."),
                        "max_value": _("Een geschatte leeftijd ligt tussen 0 en %(limit_value)s jaar.")})
    name = forms.CharField(label=_("Naam (niet verplicht)"), required=False, max_length=200)
    date_of_birth = forms.CharField(label=_("Geboortedatum (niet verplicht)"), required=False, max_length=20,
                                    help_text=_("Bijvoorbeeld 7-3-1998, 03-1998 of alleen 1998."))

    def clean(self):
        data = super().clean()
        for kind in ("name", "date_of_birth"):
            _checked_value(self, kind, ATTRIBUTE_NORMALISER[kind])
        if self.is_empty():
            return data
        if not data.get("role"):
            self.add_error("role", _("Kies de rol van deze persoon."))
        age, minor = data.get("estimated_age"), MINOR_VALUE.get(data.get("minor") or "")
        if age is not None and minor is not None and minor != (age < ADULT_AGE):
            self.add_error("estimated_age", _("De geschatte leeftijd en ‘minderjarig’ spreken elkaar tegen."))
        return data

    def is_empty(self) -> bool:
        data = self.cleaned_data
        return not (data.get("role") or data.get("estimated_age") is not None or data.get("name")
                    or data.get("date_of_birth") or data.get("minor") in (YES, NO))

    def person(self) -> PersonInput:
        data = self.cleaned_data
        return PersonInput(role=data["role"], estimated_age=data.get("estimated_age"),
                           is_minor=MINOR_VALUE.get(data.get("minor") or ""),
                           attributes=tuple((kind, data[kind]) for kind in ("name", "date_of_birth") if data[kind]))


class EntityForm(forms.Form):
    """One phone number, address, plate, company, account, e-mail address or handle; a row left empty is none."""

    kind = forms.ChoiceField(label=_("Soort gegeven"), required=False,
                             choices=[("", _("Kies een soort")), *EntityKind.choices])
    value = forms.CharField(label=_("Waarde"), required=False, max_length=300)

    def clean(self):
        data = super().clean()
        kind, value = data.get("kind"), data.get("value")
        if kind and not value:
            self.add_error("value", _("Vul de waarde in, of kies geen soort."))
        elif value and not kind:
            self.add_error("kind", _("Kies wat voor gegeven dit is."))
        elif kind:
            _checked_value(self, "value", kind)
        return data

    def entity(self) -> tuple[str, str] | None:
        kind, value = self.cleaned_data.get("kind"), self.cleaned_data.get("value")
        return (kind, value) if kind and value else None


class FilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Alle")), *Status.choices])
    urgency = forms.ChoiceField(label=_("Urgentie"), required=False, choices=[("", _("Alle")), *Urgency.choices])

    def filters(self) -> dict:
        """The chosen filters as field lookups; an odd value filters nothing."""
        if not self.is_valid():
            return {}
        return {field: value for field, value in self.cleaned_data.items() if value}


class TransitionForm(forms.Form):
    """One step of the workflow (`target`, sent by the page as `to_status`), with the version of the signal the
    page showed. Prefixed by its target, as a page holds one per step."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    close_reason = forms.ChoiceField(label=_("Reden van afsluiten"), required=False,
                                     choices=[("", _("Kies een reden")), *CloseReason.choices])
    referred_to = forms.ChoiceField(label=_("Doorverwezen naar"), required=False,
                                    choices=[("", _("Kies een instantie")), *OrganisationType.choices])
    note = forms.CharField(label=_("Toelichting"), required=False, max_length=MAX_NOTE_CHARS,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"max_length": _("De toelichting is te lang: gebruik hoogstens "
                                                           "%(limit_value)d tekens.")})

    def __init__(self, *args, target: str, **kwargs):
        super().__init__(*args, prefix=target, **kwargs)
        self.target = target
        # Each step shows only what it needs.
        if target != Status.CLOSED:
            del self.fields["close_reason"]
        if target != Status.REFERRED:
            del self.fields["referred_to"]
        if target == Status.RETURNED:
            self.fields["note"].label = _("Welke informatie ontbreekt?")

    @property
    def target_label(self) -> str:
        return Status(self.target).label


# --- The public guide's minimal signal -------------------------------------------------------------------------


class GuideSignalForm(forms.Form):
    """What a front-desk worker may leave without logging in: nothing about themselves, nothing that names the
    person. The municipality comes from the answers to the guide's questions."""

    municipality = forms.CharField(widget=forms.HiddenInput, max_length=8,
                                   error_messages={"required": _("De gemeente ontbreekt: begin opnieuw bij de "
                                                                 "vragen van de Aanmeldwijzer.")})
    noticed = forms.MultipleChoiceField(
        label=_("Wat viel u op?"), choices=NOTICED_CHOICES, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Kies wat u opviel, of ‘Weet ik niet’."),
                        "invalid_choice": _("Kies uit de lijst wat u opviel.")})
    minor = forms.ChoiceField(label=_("Lijkt de persoon jonger dan 18 jaar?"), widget=forms.RadioSelect,
                              choices=[(Minor.YES, _("Ja")), (Minor.NO, _("Nee")), (Minor.UNSURE, _("Weet ik niet"))],
                              error_messages={"required": _("Kies of de persoon jonger lijkt dan 18 jaar.")})
    danger = forms.BooleanField(label=_("Er is nu direct gevaar"), required=False)
    text = forms.CharField(
        label=_("Wat zag of hoorde u? (niet verplicht)"), required=False, max_length=MAX_GUIDE_DESCRIPTION_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Kort en zonder namen. Noteer geen gegevens over gezondheid, seksueel leven, geloof of "
                    "strafbare feiten die niet nodig zijn, en niets over uzelf."),
        error_messages={"max_length": _("De tekst is te lang: gebruik hoogstens %(limit_value)d tekens.")})

    def signal_values(self) -> dict:
        """The values for signal_register_from_guide. "Don't know" next to a form only adds doubt: dropped."""
        data = self.cleaned_data
        noticed = [code for code in NOTICED if code in data["noticed"]]
        forms_ = [code for code in noticed if code != UNKNOWN] or [ExploitationForm.UNKNOWN]
        minor = {Minor.YES: True, Minor.NO: False}.get(data["minor"])
        urgency = Urgency.ACUTE if data["danger"] else Urgency.HIGH if minor else Urgency.NORMAL
        return {"municipality": data["municipality"], "forms": forms_, "minor": minor, "urgency": urgency,
                "description": data["text"]}


# --- Attachments ---------------------------------------------------------------------------------------------------


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Bijlage"), help_text=ATTACHMENT_HELP,
        widget=forms.ClearableFileInput(attrs={"accept": ATTACHMENT_TYPES}),
        error_messages={"required": _("Kies een bestand."), "empty": _("Het bestand is leeg.")})
