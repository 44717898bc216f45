"""Forms for editing the social map."""

from django import forms
from django.utils.translation import gettext_lazy as _

from keten.socialmap.models import Service


class ServiceForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    url = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Service
        fields = ["name", "description", "status", "eligibility_description", "minimum_age", "maximum_age", "url",
                  "email", "capacity_unit", "capacity_total", "capacity_available"]
        help_texts = {
            "minimum_age": _("Leeg: geen ondergrens. Regio's splitsen bij 18 of bij 23 jaar."),
            "capacity_available": _("Hoeveel plekken er nu vrij zijn."),
        }


class VerifyForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
