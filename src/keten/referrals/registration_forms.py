"""The form with which a CoMensha registration officer registers a presumed victim, and the year of an export."""

from django import forms
from django.utils.translation import gettext_lazy as _

from keten.intake.forms import PlaceField
from keten.referrals import comensha


def _choices(field: str, *, blank: str | None = None):
    return lambda: ([("", blank)] if blank else []) + comensha.choices(field)


class RegistrationForm(forms.Form):
    municipality = PlaceField(label=_("Gemeente waar de persoon is aangetroffen"),
                              error_messages={"required": _("Vul de gemeente in.")})
    known_person = forms.CharField(label=_("Kenmerk van de persoon (niet verplicht)"), required=False, max_length=12,
                                   help_text=_("Uit Personen, bijvoorbeeld K-4821M. Nodig wanneer de registratie op "
                                               "toestemming rust."))
    registered_on = forms.DateField(label=_("Geregistreerd op"),
                                    widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                    error_messages={"required": _("Vul de datum in."),
                                                    "invalid": _("Dit is geen geldige datum.")})
    dossier_type = forms.ChoiceField(label=_("Soort dossier"), choices=_choices("dossier_type"),
                                     widget=forms.RadioSelect)
    exploitation_form = forms.ChoiceField(label=_("Uitbuitingsvorm"), choices=_choices("exploitation_form"))
    sector = forms.ChoiceField(label=_("Sector (niet verplicht)"), required=False,
                               choices=lambda: [("", _("Geen of onbekend"))] + comensha.sectors())
    nationality = forms.CharField(label=_("Nationaliteit (landcode, niet verplicht)"), required=False, max_length=2,
                                  help_text=_("Twee letters, bijvoorbeeld PL, NG of NL."))
    age = forms.IntegerField(label=_("Leeftijd bij registratie (niet verplicht)"), required=False, min_value=0,
                             max_value=120, error_messages={"min_value": _("Een leeftijd ligt tussen 0 en 120 jaar."),
                                                            "max_value": _("Een leeftijd ligt tussen 0 en 120 jaar.")})
    gender = forms.ChoiceField(label=_("Geslacht"), choices=_choices("gender"), widget=forms.RadioSelect)
    reporter_type = forms.ChoiceField(label=_("Soort melder"), choices=_choices("reporter_type"))
    reporter_region = forms.ChoiceField(label=_("Regio van de melder (niet verplicht)"), required=False,
                                        choices=_choices("reporter_region", blank=_("Onbekend")))
    trafficking_route = forms.ChoiceField(label=_("Binnenlands of grensoverschrijdend (niet verplicht)"),
                                          required=False, choices=_choices("trafficking_route", blank=_("Onbekend")))
    referral = forms.UUIDField(required=False, widget=forms.HiddenInput)


class YearForm(forms.Form):
    jaar = forms.IntegerField(min_value=2000, max_value=2100)
