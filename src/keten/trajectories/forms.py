"""The form behind every step on a trajectory page: one action, the version the page showed, and the fields that
action reads (the services check what each needs)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from keten.trajectories import zrm
from keten.trajectories.models import CloseReason, EventKind, GoalStatus, Phase, ReflectionOutcome

ACTIONS = ("phase", "reflection", "reflection_outcome", "note", "handover", "handover_accept", "handover_withdraw",
           "zrm", "goal", "goal_status", "close", "reopen", "placement", "placement_end")


class StepForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS], widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    phase = forms.ChoiceField(label=_("Nieuwe fase"), required=False,
                              choices=[(p, label) for p, label in Phase.choices if p != Phase.CLOSED])
    day = forms.DateField(label=_("Datum"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                          error_messages={"invalid": _("Dit is geen geldige datum; schrijf bijvoorbeeld 2026-01-31.")})
    outcome = forms.ChoiceField(label=_("Uitkomst van de bedenktijd"), required=False,
                                choices=[("", _("Kies de uitkomst")), *ReflectionOutcome.choices])
    kind = forms.ChoiceField(label=_("Soort gebeurtenis"), required=False,
                             choices=[(EventKind.CARE, EventKind.CARE.label),
                                      (EventKind.JUSTICE, EventKind.JUSTICE.label)])
    text = forms.CharField(label=_("Omschrijving"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    to = forms.UUIDField(label=_("Organisatie"), required=False)
    goal = forms.UUIDField(required=False, widget=forms.HiddenInput)
    service = forms.UUIDField(required=False)
    placement = forms.UUIDField(required=False, widget=forms.HiddenInput)
    goal_status = forms.ChoiceField(label=_("Status"), required=False, choices=GoalStatus.choices)
    reason = forms.ChoiceField(label=_("Reden van afsluiten"), required=False,
                               choices=[("", _("Kies een reden")), *CloseReason.choices])
    attempts = forms.IntegerField(label=_("Aantal pogingen om contact te krijgen"), required=False, min_value=0,
                                  max_value=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        level_choices = [("", "–"), *((str(level), f"{level} {label}") for level, label in zrm.level_labels().items())]
        for domain in zrm.domains():
            self.fields[f"zrm_{domain.code}"] = forms.ChoiceField(label=domain.name, required=False,
                                                                  choices=level_choices)

    def zrm_fields(self):
        return [self[f"zrm_{code}"] for code in zrm.codes()]

    def zrm_scores(self) -> dict[str, int]:
        return {code: int(value) for code in zrm.codes() if (value := self.cleaned_data.get(f"zrm_{code}"))}
