"""The monitor's filters: period (from one month to another), region layer and form of exploitation. The same
form reads the page's query string and an export's, so an export holds exactly what the page showed."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from keten.core.clock import today
from keten.intake.models import ExploitationForm
from keten.monitor.selectors import LAYERS, MonitorFilters
from keten.regions.models import LayerKind

#: The longest period one view adds up: five years of months.
MAX_MONTHS = 60
EARLIEST = date(2000, 1, 1)


class MonthField(forms.DateField):
    """A month as "2026-01" (an <input type="month">); cleaned to the first day of that month."""

    widget = forms.DateInput(format="%Y-%m", attrs={"type": "month"})

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m"])
        kwargs.setdefault("error_messages", {"invalid": _("Vul een maand in als jjjj-mm, bijvoorbeeld 2026-01.")})
        super().__init__(**kwargs)

    def clean(self, value):
        month = super().clean(value)
        return month.replace(day=1) if month else month


def _months_back(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


class FilterForm(forms.Form):
    van = MonthField(label=_("Van maand"), required=False)
    tot = MonthField(label=_("Tot en met maand"), required=False)
    indeling = forms.ChoiceField(label=_("Per gebied"), required=False,
                                 choices=[(code, label) for code, label in LAYERS.items()],
                                 error_messages={"invalid_choice": _("Kies een indeling uit de lijst.")})
    vorm = forms.ChoiceField(label=_("Vorm van uitbuiting"), required=False,
                             choices=[("", _("Alle vormen")), *ExploitationForm.choices],
                             error_messages={"invalid_choice": _("Kies een vorm uit de lijst.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        last = today().replace(day=1)
        self.default_last, self.default_first = last, _months_back(last, 11)
        self.fields["van"].initial = self.default_first
        self.fields["tot"].initial = self.default_last
        self.fields["indeling"].initial = LayerKind.PROVINCE

    def clean(self):
        data = super().clean()
        first = data.get("van") or self.default_first
        last = data.get("tot") or self.default_last
        if "van" in data and "tot" in data:
            if first > last:
                self.add_error("tot", _("De laatste maand ligt vóór de eerste. Kies een latere maand."))
            elif (last.year - first.year) * 12 + last.month - first.month >= MAX_MONTHS:
                self.add_error("van", _("Kies een periode van hoogstens {months} maanden.").format(months=MAX_MONTHS))
            elif first < EARLIEST:
                self.add_error("van", _("Kies een maand vanaf januari 2000."))
        return data

    def filters(self) -> MonitorFilters:
        """The chosen filters, defaults where nothing was chosen; only after is_valid()."""
        data = self.cleaned_data if self.is_bound else {}
        return MonitorFilters(first_month=data.get("van") or self.default_first,
                              last_month=data.get("tot") or self.default_last,
                              layer=data.get("indeling") or LayerKind.PROVINCE, form=data.get("vorm") or "")


def _year_field(label, initial: int) -> forms.IntegerField:
    return forms.IntegerField(label=label, initial=initial, min_value=EARLIEST.year, max_value=today().year,
                              error_messages={"invalid": _("Vul een jaartal in, bijvoorbeeld 2025."),
                                              "min_value": _("Kies een jaar vanaf 2000."),
                                              "max_value": _("Dit jaar is nog niet begonnen. Kies een eerder jaar."),
                                              "required": _("Vul een jaartal in.")})


class ReportForm(forms.Form):
    """A quarterly report: which region (a choice for the whole country, fixed for a region's officer) and which
    quarter."""

    gebied = forms.ChoiceField(label=_("Gebied"), error_messages={
        "invalid_choice": _("Kies een gebied uit de lijst."), "required": _("Kies een gebied.")})
    kwartaal = forms.TypedChoiceField(label=_("Kwartaal"), coerce=int, choices=[
        (1, _("1e kwartaal (januari–maart)")), (2, _("2e kwartaal (april–juni)")),
        (3, _("3e kwartaal (juli–september)")), (4, _("4e kwartaal (oktober–december)"))],
        error_messages={"invalid_choice": _("Kies een kwartaal uit de lijst.")})

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        from keten.monitor.report import Quarter

        latest = Quarter.latest_complete()
        self.fields["jaar"] = _year_field(_("Jaar"), latest.year)
        self.fields["kwartaal"].initial = latest.number
        self.order_fields(["gebied", "jaar", "kwartaal"])
        self.regions = {f"{region.layer.kind}:{region.code}": region for region in regions}
        groups: dict[str, list[tuple[str, str]]] = {str(label): [] for label in LAYERS.values()}  # in LAYERS order
        for key, region in self.regions.items():
            groups[str(LAYERS[region.layer.kind])].append((key, region.name))
        groups = {label: choices for label, choices in groups.items() if choices}
        self.fields["gebied"].choices = list(groups.items()) if len(groups) > 1 else [
            choice for choices in groups.values() for choice in choices]

    def clean(self):
        data = super().clean()
        if "gebied" in data:
            data["region"] = self.regions[data["gebied"]]
        return data


class DatasetForm(forms.Form):
    """The yearly dataset: which year."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jaar"] = _year_field(_("Jaar"), today().year - 1)
