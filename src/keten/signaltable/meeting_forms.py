"""Forms of the Signaaltafel's meetings: scheduling, the agenda's buttons, an item's assessment, decision and
action, updating an action, and asking for a dossier at the next meeting. The services check the rules; these
forms only read what was typed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from keten.accounts.models import Membership
from keten.intake.models import ExploitationForm
from keten.signaltable.models import ActionStatus, DecisionKind, Indication, Severity

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": _("Dit is geen geldige datum; schrijf bijvoorbeeld 2026-01-31.")}


def membership_label(membership: Membership) -> str:
    name = membership.user.full_name or membership.user.email
    return f"{name} — {membership.get_role_display()}, {membership.organisation.name}"


class MembershipChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return membership_label(obj)


class MeetingForm(forms.Form):
    scheduled_at = forms.DateTimeField(
        label=_("Datum en tijd"), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"required": _("Vul de datum en tijd van het overleg in."),
                        "invalid": _("Dit is geen geldige datum en tijd; schrijf bijvoorbeeld 2026-01-31 14:00.")})
    place = forms.CharField(label=_("Plaats"), max_length=200, required=False,
                            help_text=_("Een zaal of een online vergaderruimte; geen adres van een persoon."))
    participants = MembershipChoices(label=_("Deelnemers"), queryset=Membership.objects.none(), required=False,
                                     widget=forms.CheckboxSelectMultiple,
                                     help_text=_("U bent als voorzitter altijd deelnemer."))

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if candidates is not None:
            self.fields["participants"].queryset = candidates


class ParticipantsForm(forms.Form):
    participants = MembershipChoices(label=_("Deelnemers"), queryset=Membership.objects.none(), required=False,
                                     widget=forms.CheckboxSelectMultiple,
                                     help_text=_("U bent als voorzitter altijd deelnemer. Nieuwe deelnemers krijgen "
                                                 "een uitnodiging."))

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if candidates is not None:
            self.fields["participants"].queryset = candidates


class AgendaForm(forms.Form):
    ACTIONS = ("propose", "add", "move", "remove", "start", "close")

    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS], widget=forms.HiddenInput)
    reference = forms.CharField(label=_("Kenmerk van het dossier"), max_length=10, required=False,
                                help_text=_("Bijvoorbeeld D-4821KX."))
    item = forms.UUIDField(required=False, widget=forms.HiddenInput)
    direction = forms.ChoiceField(choices=[("up", _("omhoog")), ("down", _("omlaag"))], required=False)


MINOR_CHOICES = [("unknown", _("Onbekend")), ("yes", _("Ja")), ("no", _("Nee"))]
MINOR_VALUES = {"unknown": None, "yes": True, "no": False}


class AssessmentForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput, initial="assess")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    indication = forms.ChoiceField(label=_("Aanwijzingen voor mensenhandel"), choices=Indication.choices,
                                   widget=forms.RadioSelect,
                                   error_messages={"required": _("Kies of er aanwijzingen voor mensenhandel zijn.")})
    severity = forms.ChoiceField(label=_("Ernst"), choices=Severity.choices, widget=forms.RadioSelect,
                                 error_messages={"required": _("Kies de ernst.")})
    minor = forms.ChoiceField(label=_("Minderjarige betrokken"), choices=MINOR_CHOICES, initial="unknown",
                              widget=forms.RadioSelect)
    notes = forms.CharField(label=_("Aantekeningen"), required=False, max_length=4000,
                            widget=forms.Textarea(attrs={"rows": 4}),
                            help_text=_("Alleen wat de tafel nodig heeft. Aantekeningen over gezondheid of seksueel "
                                        "leven ziet alleen wie dat mag inzien."))
    # Last: from here on `forms` in this class body is the field, no longer the module.
    forms = forms.MultipleChoiceField(label=_("Vormen van uitbuiting"), choices=ExploitationForm.choices,
                                      widget=forms.CheckboxSelectMultiple, required=False)

    def minor_involved(self):
        return MINOR_VALUES[self.cleaned_data["minor"]]


class DecisionForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput, initial="decide")
    kind = forms.ChoiceField(label=_("Besluit"), choices=[("", _("Kies een besluit")), *DecisionKind.choices],
                             error_messages={"required": _("Kies een besluit.")})
    rationale = forms.CharField(label=_("Onderbouwing"), required=False, max_length=4000,
                                widget=forms.Textarea(attrs={"rows": 4}),
                                help_text=_("Waarom besluit de tafel dit? Bij een onderzoek is de onderbouwing "
                                            "politie-informatie en ziet alleen wie dat mag inzien."))
    review_on = forms.DateField(label=_("Opnieuw bespreken op (bij volgen)"), required=False, widget=DATE_WIDGET,
                                error_messages=DATE_ERRORS)
    hand_over_to = forms.ModelChoiceField(label=_("Overdragen aan regio (bij overdragen)"), required=False,
                                          queryset=None, empty_label=_("Geen overdracht"))

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hand_over_to"].queryset = regions


class ActionForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput, initial="act")
    description = forms.CharField(label=_("Actie"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                                  error_messages={"required": _("Beschrijf de actie.")})
    owner_organisation = forms.ModelChoiceField(
        label=_("Organisatie die de actie uitvoert"), queryset=None, empty_label=_("Kies een organisatie"),
        error_messages={"required": _("Kies de organisatie die de actie uitvoert.")})
    owner_membership = forms.ModelChoiceField(
        label=_("Persoon (niet verplicht)"), queryset=None, required=False, empty_label=_("Niemand in het bijzonder"),
        help_text=_("Zonder persoon horen de deelnemers van die organisatie aan de tafel van de actie."))
    due_on = forms.DateField(label=_("Uiterlijk"), widget=DATE_WIDGET,
                             error_messages={**DATE_ERRORS, "required": _("Vul de uiterste datum in.")})
    decision = forms.ModelChoiceField(label=_("Hoort bij besluit"), queryset=None, required=False,
                                      empty_label=_("Geen besluit"))

    def __init__(self, *args, organisations=None, people=None, decisions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_organisation"].queryset = organisations
        self.fields["owner_membership"].queryset = people
        self.fields["owner_membership"].label_from_instance = membership_label
        self.fields["decision"].queryset = decisions
        self.fields["decision"].label_from_instance = lambda d: f"{d.get_kind_display()} ({d.decided_at:%d-%m-%Y})"


class ActionUpdateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices, widget=forms.RadioSelect)
    outcome = forms.CharField(label=_("Uitkomst"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("Verplicht als de actie is afgerond."))


class AgendaRequestForm(forms.Form):
    reason = forms.CharField(label=_("Waarom bespreken?"), max_length=300,
                             error_messages={"required": _("Zeg waarom het dossier besproken moet worden.")})
