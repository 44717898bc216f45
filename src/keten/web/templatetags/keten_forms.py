"""Render Django form widgets with the NL Design System (Utrecht) classes, so forms look and behave alike."""

from django import forms, template
from django.forms.boundfield import BoundField
from django.forms.widgets import Input

register = template.Library()

# Widget type -> the Utrecht component class for its HTML element, checked in order (subclasses first).
_WIDGET_CLASSES: list[tuple[type[forms.Widget], str]] = [
    (forms.CheckboxSelectMultiple, "utrecht-checkbox utrecht-checkbox--html-input"),
    (forms.RadioSelect, "utrecht-radio-button utrecht-radio-button--html-input"),
    (forms.CheckboxInput, "utrecht-checkbox utrecht-checkbox--html-input"),
    (forms.Textarea, "utrecht-textarea utrecht-textarea--html-textarea"),
    (forms.Select, "utrecht-select utrecht-select--html-select"),
    (forms.SelectMultiple, "utrecht-select utrecht-select--html-select"),
    (forms.FileInput, ""),
    (Input, "utrecht-textbox utrecht-textbox--html-input"),
]


def widget_class(widget: forms.Widget, *, invalid: bool = False) -> str:
    base = next((css for kind, css in _WIDGET_CLASSES if isinstance(widget, kind)), "")
    if invalid and base:
        block = base.split()[0]
        base = f"{base} {block}--invalid"
    return base


@register.filter(name="is_group")
def is_choice_group(field: BoundField) -> bool:
    """Radio buttons and checkbox lists are a group: they get a fieldset and legend, not one label."""
    return bool(getattr(field.field.widget, "use_fieldset", False)) and isinstance(
        field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple
    )


@register.filter
def utrecht_widget(field: BoundField):
    """The field's widget with Utrecht classes added; placeholders are dropped because the label says it."""
    widget = field.field.widget
    css = widget_class(widget, invalid=bool(field.errors))
    existing = widget.attrs.get("class", "")
    attrs = {"class": f"{existing} {css}".strip(), "placeholder": False}
    return field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(field: BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)
