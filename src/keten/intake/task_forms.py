"""The form with which a CoMensha registration officer records how a registration task ended."""

from django import forms
from django.utils.translation import gettext_lazy as _

from keten.intake.models import TaskOutcome


class TaskCompleteForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label=_("Uitkomst"), choices=[("", _("Kies de uitkomst")), *TaskOutcome.choices],
                                error_messages={"required": _("Kies hoe de taak is afgerond.")})
    note = forms.CharField(label=_("Toelichting"), required=False, max_length=500,
                           help_text=_("Verplicht als niet geregistreerd kan worden. Geen namen of andere "
                                       "persoonsgegevens."),
                           error_messages={"max_length": _("Houd de toelichting onder de %(limit_value)d tekens.")})
