"""Forms of the changes people make to dossiers: a new dossier, add or remove a signal, merge, split. References
typed by a person are resolved only among what policy lets them see, so a reference out of reach reads as unknown."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from keten.accounts.actor import Actor
from keten.intake.models import Signal
from keten.policy.decisions import visible_to
from keten.signaltable.models import Dossier, DossierSignal
from keten.signaltable.selectors import PURPOSE, dossiers_visible

MAX_REASON_CHARS = 1000


def visible_dossier_signals(*, actor: Actor, dossier: Dossier):
    """The dossier's active signals the actor may see for the table's purpose, oldest first (operational facts
    only: reference, place, date)."""
    active = DossierSignal.objects.filter(dossier=dossier, is_active=True).values("signal_id")
    return visible_to(actor, PURPOSE, Signal.objects.filter(pk__in=active)).select_related(
        "municipality").order_by("observed_on", "reference")


def _references(text: str) -> list[str]:
    return [part.upper() for part in re.split(r"[\s,;]+", text or "") if part]


def reason_field():
    return forms.CharField(
        label=_("Reden"), max_length=MAX_REASON_CHARS, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Waarom deze wijziging? De reden staat in de tijdlijn van het dossier. Alleen wat nodig is."),
        error_messages={"required": _("Geef een reden voor deze wijziging."),
                        "max_length": _("Geef de reden in hoogstens %(limit_value)d tekens.")})


class ChangeForm(forms.Form):
    """What every change carries: a reason, and the version of the dossier the page showed."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, actor: Actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["reason"] = reason_field()

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Geef een reden voor deze wijziging."))
        return reason

    def _signals(self, text: str) -> list[Signal]:
        references = _references(text)
        found = {s.reference: s for s in visible_to(self.actor, PURPOSE,
                                                     Signal.objects.filter(reference__in=references))}
        unknown = [r for r in references if r not in found]
        if unknown:
            raise forms.ValidationError(_("Geen signaal met kenmerk {references} dat u kunt zien. Kijk het kenmerk "
                                          "na.").format(references=", ".join(unknown)))
        return [found[r] for r in dict.fromkeys(references)]


class DossierCreateForm(ChangeForm):
    references = forms.CharField(
        label=_("Kenmerken van de signalen"), max_length=500,
        help_text=_("Bijvoorbeeld M-4821KX M-93PQ2R, gescheiden door spaties of komma's. Geen van de signalen mag "
                    "al in een dossier zitten."),
        error_messages={"required": _("Vul ten minste één kenmerk van een signaal in.")})
    next = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_references(self):
        return self._signals(self.cleaned_data["references"])


class AddSignalForm(ChangeForm):
    reference = forms.CharField(label=_("Kenmerk van het signaal"), max_length=20,
                                help_text=_("Bijvoorbeeld M-4821KX."),
                                error_messages={"required": _("Vul het kenmerk van het signaal in.")})

    def clean_reference(self):
        signals = self._signals(self.cleaned_data["reference"])
        if len(signals) != 1:
            raise forms.ValidationError(_("Vul één kenmerk in."))
        return signals[0]


class RemoveSignalForm(ChangeForm):
    signal = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, dossier: Dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.dossier = dossier

    def clean_signal(self):
        signal = visible_dossier_signals(actor=self.actor, dossier=self.dossier).filter(
            pk=self.cleaned_data["signal"]).first()
        if signal is None:
            raise forms.ValidationError(_("Dit signaal zit niet (meer) in het dossier."))
        return signal


class MergeForm(ChangeForm):
    reference = forms.CharField(
        label=_("Kenmerk van het andere dossier"), max_length=20,
        help_text=_("Bijvoorbeeld D-4821KX. De signalen van dat dossier komen in dit dossier; het andere dossier "
                    "wordt gesloten als samengevoegd."),
        error_messages={"required": _("Vul het kenmerk van het andere dossier in.")})

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip().upper()
        other = dossiers_visible(actor=self.actor).filter(reference=reference).first()
        if other is None:
            raise forms.ValidationError(_("Geen open dossier met kenmerk {reference} dat u kunt zien.").format(
                reference=reference))
        return other


class SplitForm(ChangeForm):
    signals = forms.MultipleChoiceField(
        label=_("Signalen voor het nieuwe dossier"), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Kies de signalen die een eigen dossier worden.")})

    def __init__(self, *args, dossier: Dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = {str(s.pk): s for s in visible_dossier_signals(actor=self.actor, dossier=dossier)}
        self.fields["signals"].choices = [
            (pk, f"{s.reference} — {s.municipality.name}, {s.observed_on:%d-%m-%Y}") for pk, s in self.choices.items()]

    def clean_signals(self):
        return [self.choices[pk] for pk in self.cleaned_data["signals"]]
