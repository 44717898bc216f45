"""Forms of the accounts app."""

from django import forms
from django.utils.translation import gettext_lazy as _

from keten.accounts.models import TokenScope
from keten.accounts.roles import Role
from keten.accounts.services import TOKEN_ROLES


class _RoleRegionForm(forms.Form):
    """Role and region scope, limited to the regions the administrator's organisation works in."""

    role = forms.ChoiceField(label=_("Rol"), choices=Role.choices)
    region = forms.ModelChoiceField(label=_("Regio"), queryset=None, required=False,
                                    empty_label=_("Landelijk (geen regio)"),
                                    help_text=_("Alleen regio's uit het werkgebied van uw organisatie."))

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = organisation.regions.select_related("layer").order_by("name")


class MembershipForm(_RoleRegionForm):
    pass


class UserInviteForm(_RoleRegionForm):
    email = forms.EmailField(label=_("E-mailadres"))
    full_name = forms.CharField(label=_("Naam"), max_length=200)
    field_order = ["email", "full_name", "role", "region"]


class TokenForm(_RoleRegionForm):
    name = forms.CharField(label=_("Naam van het systeem"), max_length=120)
    scopes = forms.MultipleChoiceField(label=_("Bevoegdheden"), choices=TokenScope.choices,
                                       widget=forms.CheckboxSelectMultiple)
    field_order = ["name", "role", "region", "scopes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r.value, r.label) for r in Role if r in TOKEN_ROLES]


class MembershipSwitchForm(forms.Form):
    membership = forms.UUIDField(widget=forms.HiddenInput)
