"""Forms of the regions app: a region's name and, separately, its member municipalities."""

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from keten.regions.models import Municipality, Region, RegionLayer
from keten.regions.selectors import municipality_choices_by_province


class RegionForm(forms.Form):
    """The region's name, and when editing the version the administrator read (optimistic locking)."""

    name = forms.CharField(label=_("Naam van de regio"), max_length=150)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, region: Region | None = None, **kwargs):
        if region is not None:
            kwargs.setdefault("initial", {"name": region.name, "version": region.version})
        super().__init__(*args, **kwargs)
        self.fields["version"].required = region is not None


@dataclass(frozen=True)
class CheckboxItem:
    code: str
    name: str
    checked: bool
    elsewhere: str  # name of the other region the municipality lies in now, or ""


@dataclass(frozen=True)
class CheckboxGroup:
    legend: str
    items: list[CheckboxItem]


class RegionMembersForm(forms.Form):
    """The municipalities of a region. The template draws the checkboxes itself, one fieldset per
    province, because the shared form include has no grouped checkbox list."""

    municipalities = forms.ModelMultipleChoiceField(
        label=_("Gemeenten"), queryset=Municipality.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, layer: RegionLayer, region: Region | None = None, **kwargs):
        if region is not None:
            kwargs.setdefault("initial", {"municipalities": list(
                region.municipalities.values_list("pk", flat=True))})
        super().__init__(*args, **kwargs)
        self.layer = layer
        self.region = region

    def groups(self) -> list[CheckboxGroup]:
        selected = {str(value) for value in (self["municipalities"].value() or [])}
        own_pk = self.region.pk if self.region is not None else None
        return [
            CheckboxGroup(legend=group.province, items=[
                CheckboxItem(
                    code=choice.code, name=choice.name, checked=choice.code in selected,
                    elsewhere=choice.current_region.name
                    if choice.current_region is not None and choice.current_region.pk != own_pk else "",
                )
                for choice in group.municipalities
            ])
            for group in municipality_choices_by_province(self.layer)
        ]
