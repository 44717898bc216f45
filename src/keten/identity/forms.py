"""Forms of the identity app."""

from django import forms
from django.utils.translation import gettext_lazy as _

from keten.accounts.models import Organisation
from keten.accounts.roles import OrganisationType
from keten.identity.models import AttributeKind
from keten.policy.bases import LEGAL_BASES
from keten.policy.models import ConsentGiver, ConsentScope
from keten.policy.purposes import Purpose
from keten.regions.models import Municipality


class SubjectForm(forms.Form):
    municipality = forms.ModelChoiceField(label=_("Gemeente waar de persoon is"), queryset=Municipality.objects.all(),
                                          required=False)
    name = forms.CharField(label=_("Naam"), required=False, max_length=200)
    date_of_birth = forms.CharField(label=_("Geboortedatum"), required=False, max_length=20,
                                    help_text=_("Bijvoorbeeld 7-3-1998, 03-1998 of alleen 1998."))
    phone = forms.CharField(label=_("Telefoonnummer"), required=False, max_length=40)

    def attributes(self) -> list[tuple[str, str]]:
        return [(kind, self.cleaned_data[kind]) for kind in ("name", "date_of_birth", "phone")
                if self.cleaned_data.get(kind)]


class AttributeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Soort gegeven"), choices=AttributeKind.choices)
    raw = forms.CharField(label=_("Waarde"), max_length=300)


class ConsentForm(forms.Form):
    scope = forms.ChoiceField(label=_("Waarvoor"), choices=ConsentScope.choices)
    organisation = forms.ModelChoiceField(label=_("Organisatie"), queryset=Organisation.objects.all(),
                                          required=False,
                                          help_text=_("Alleen bij 'Delen met een organisatie'."))
    organisation_type = forms.ChoiceField(label=_("Soort organisatie"), required=False,
                                          choices=[("", "—"), *OrganisationType.choices],
                                          help_text=_("Alleen bij 'Delen met een soort organisatie'."))
    giver = forms.ChoiceField(label=_("Gegeven door"), choices=ConsentGiver.choices)
    given_on = forms.DateField(label=_("Gegeven op"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Geldig tot en met"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))
    stated_age = forms.IntegerField(label=_("Leeftijd van de persoon"), required=False, min_value=0, max_value=120,
                                    help_text=_("Nodig als de geboortedatum niet bekend is."))


class ShareForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Delen met"), queryset=Organisation.objects.all())
    purpose = forms.ChoiceField(label=_("Doel"), choices=Purpose.choices)
    basis = forms.ChoiceField(label=_("Grondslag"),
                              choices=[(code, b.citation) for code, b in LEGAL_BASES.items()])
    expires_at = forms.DateTimeField(label=_("Verloopt op"), required=False,
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
