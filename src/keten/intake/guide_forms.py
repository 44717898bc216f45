"""The questions of the Aanmeldwijzer as one GET form: what was noticed, where, a minor, danger now. Only choices
and a place travel in the query string; nothing about a person is asked or stored."""

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from keten.intake.guide import CRIMINAL, LABOUR, ORGAN_REMOVAL, SEXUAL, UNKNOWN, Answers, Minor
from keten.socialmap.selectors import MAX_PLACE_CHARS, resolve_place

CHECKBOX = {"class": "utrecht-checkbox utrecht-checkbox--html-input"}
RADIO = {"class": "utrecht-radio-button utrecht-radio-button--html-input"}
YES, NO = "yes", "no"

NOTICED_CHOICES = [
    (SEXUAL, _("Iemand lijkt gedwongen tot seks of seksueel werk, bijvoorbeeld prostitutie")),
    (LABOUR, _("Iemand werkt onder dwang of in slechte omstandigheden: heel lange dagen, weinig of geen loon, "
               "schulden bij de baas of een afgepakt paspoort")),
    (CRIMINAL, _("Iemand lijkt gedwongen strafbare dingen te doen, zoals drugs vervoeren, stelen of bedelen")),
    (ORGAN_REMOVAL, _("Iemand lijkt gedwongen een orgaan af te staan, zoals een nier")),
    (UNKNOWN, _("Weet ik niet, of iets anders: ik maak me zorgen om iemand")),
]


class GuideForm(forms.Form):
    noticed = forms.MultipleChoiceField(
        label=_("Wat viel u op?"), choices=NOTICED_CHOICES, widget=forms.CheckboxSelectMultiple(attrs=CHECKBOX),
        help_text=_("Kies alles wat past. Eén signaal bewijst nog niets; twijfel is genoeg om advies te vragen."),
        error_messages={"required": _("Kies wat u opviel, of ‘Weet ik niet’.")},
    )
    place = forms.CharField(
        label=_("Waar was het?"), max_length=MAX_PLACE_CHARS,
        help_text=_("De gemeente of de postcode, bijvoorbeeld Utrecht of 3511. Geen adres of naam nodig."),
        error_messages={"required": _("Vul de gemeente of de postcode in."),
                        "max_length": _("Vul alleen de gemeente of de postcode in: dat is hoogstens 100 tekens.")},
    )
    minor = forms.ChoiceField(
        label=_("Lijkt de persoon jonger dan 18 jaar?"), widget=forms.RadioSelect(attrs=RADIO),
        choices=[(Minor.YES, _("Ja")), (Minor.NO, _("Nee")), (Minor.UNSURE, _("Weet ik niet"))],
        error_messages={"required": _("Kies of de persoon jonger lijkt dan 18 jaar.")},
    )
    danger = forms.ChoiceField(
        label=_("Is er nu direct gevaar?"), widget=forms.RadioSelect(attrs=RADIO),
        help_text=_("Bijvoorbeeld: iemand wordt bedreigd, mishandeld of vastgehouden, of is ernstig gewond."),
        choices=[(YES, _("Ja")), (NO, _("Nee"))],
        error_messages={"required": _("Kies of er nu direct gevaar is.")},
    )

    def clean_place(self):
        """The place as the social map understands it (keten.socialmap.selectors.Place)."""
        text = self.cleaned_data["place"]
        place = resolve_place(text)
        if place is None or place.municipality is None:
            raise forms.ValidationError(
                _("We vinden geen gemeente of postcode ‘{text}’. Controleer de schrijfwijze, of probeer een "
                  "postcode of de naam van de gemeente.").format(text=text))
        return place

    def answers(self) -> Answers:
        """The answers that passed validation; one that did not counts as "no" (the page still shows 112)."""
        data = getattr(self, "cleaned_data", {})
        return Answers(noticed=frozenset(data.get("noticed", ())), minor=data.get("minor") or Minor.NO,
                       danger=data.get("danger") == YES)

    def query_string(self) -> str:
        """The validated answers as a query string, for links that carry them on. The place goes on as its
        municipality's name, not a typed postcode: minimal data in URLs (DESIGN.md, privacy rule 7)."""
        data = self.cleaned_data
        return urlencode([*(("noticed", code) for code in data["noticed"]), ("place", data["place"].municipality.name),
                          ("minor", data["minor"]), ("danger", data["danger"])])


def initial_from(query) -> dict:
    """Answers already given (a link back from the advice to change them), to fill the questions in with."""
    return {"noticed": query.getlist("noticed"), "place": query.get("place", "")[:MAX_PLACE_CHARS],
            "minor": query.get("minor", ""), "danger": query.get("danger", "")}
