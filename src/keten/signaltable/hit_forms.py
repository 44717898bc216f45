"""Form of the hit/no-hit question: what kind of identifier, and its value."""

from django import forms
from django.utils.translation import gettext_lazy as _

from keten.signaltable.hits import KINDS


class HitQuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Soort gegeven"), choices=KINDS,
                             error_messages={"required": _("Kies wat voor gegeven u wilt navragen."),
                                             "invalid_choice": _("Kies wat voor gegeven u wilt navragen.")})
    # autocomplete off: the browser should not keep the value either.
    value = forms.CharField(
        label=_("Waarde"), max_length=300, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("Bijvoorbeeld 06 12345678 of XX-999-X. Keten bewaart de waarde niet, alleen een versleutelde "
                    "vorm; het antwoord zegt alleen bij wat voor organisatie en in welke regio het bekend is."),
        error_messages={"required": _("Vul de waarde in die u wilt navragen."),
                        "max_length": _("Gebruik hoogstens %(limit_value)d tekens.")})
