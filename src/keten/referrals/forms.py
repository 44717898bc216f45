"""Forms of referrals: referring a presumed victim, completing a draft, and the coordinator's steps."""

from django import forms
from django.utils.translation import gettext_lazy as _

from keten.intake.forms import PlaceField
from keten.intake.models import ExploitationForm
from keten.referrals.models import DeclineReason, Need, ReferralUrgency
from keten.referrals.services import MAX_SITUATION_CHARS


class ReferralForm(forms.Form):
    municipality = PlaceField(
        label=_("Gemeente waar de persoon nu is"),
        help_text=_("De naam van de gemeente of een postcode. De aanmelding gaat naar de zorgcoördinator van die "
                    "gemeente, of naar de landelijke terugvaloptie als de regio er geen heeft."),
        error_messages={"required": _("Vul de gemeente in waar de persoon nu is.")})
    known_person = forms.CharField(
        label=_("Kenmerk van de persoon (niet verplicht)"), required=False, max_length=12,
        help_text=_("Het kenmerk uit Personen, bijvoorbeeld K-4821M. Heeft de persoon toestemming gegeven voor de "
                    "aanmelding, dan ziet de zorgcoördinator wie het is; zonder toestemming alleen het anonieme "
                    "deel."))
    urgency = forms.ChoiceField(label=_("Urgentie"), choices=ReferralUrgency.choices, initial=ReferralUrgency.NORMAL,
                                widget=forms.RadioSelect,
                                help_text=_("Acuut: de zorgcoördinator bevestigt nog dezelfde dag; anders binnen "
                                            "een werkdag."))
    needs = forms.MultipleChoiceField(label=_("Wat is nodig?"), required=False, choices=Need.choices,
                                      widget=forms.CheckboxSelectMultiple)
    situation = forms.CharField(
        label=_("Situatie"), required=False, max_length=MAX_SITUATION_CHARS, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Wat de zorgcoördinator moet weten om te helpen. Alleen wat nodig is: geen details over "
                    "gezondheid of seksueel leven die er niet toe doen."),
        error_messages={"max_length": _("Beschrijf de situatie in hoogstens %(limit_value)d tekens.")})
    contact = forms.CharField(label=_("Hoe bereikt de zorgcoördinator u?"), max_length=200,
                              help_text=_("Uw telefoonnummer of e-mailadres op het werk."),
                              error_messages={"required": _("Zeg hoe de zorgcoördinator u bereikt.")})
    signal = forms.UUIDField(widget=forms.HiddenInput, required=False)
    # Last: from here on `forms` in this class body is the field, no longer the module.
    forms = forms.MultipleChoiceField(
        label=_("Vorm van uitbuiting"), choices=ExploitationForm.choices, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Kies ten minste één vorm van uitbuiting, of ‘onbekend’.")})


class StepForm(forms.Form):
    """One of the coordinator's steps; which fields count depends on `action`."""

    # Accepting starts the trajectory: keten.trajectories.views.trajectory_start.
    ACTIONS = ("acknowledge", "decline", "transfer", "take_over")

    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS], widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.ChoiceField(label=_("Reden van afwijzen"), required=False,
                               choices=[("", _("Kies een reden")), *DeclineReason.choices])
    to = forms.UUIDField(label=_("Overdragen aan"), required=False)
    note = forms.CharField(label=_("Toelichting"), required=False, max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("action") == "decline" and not data.get("reason"):
            self.add_error("reason", _("Kies de reden van afwijzen."))
        if data.get("action") == "transfer" and not data.get("to"):
            self.add_error("to", _("Kies aan welke zorgcoördinatie u overdraagt."))
        return data


class SendForm(forms.Form):
    """Completing a draft before sending it: what the table could not fill in. The fields are the referral form's
    own, so both ask the same and say the same."""

    urgency, needs, situation, contact = (ReferralForm.base_fields[name]
                                          for name in ("urgency", "needs", "situation", "contact"))
    version = forms.IntegerField(widget=forms.HiddenInput)
