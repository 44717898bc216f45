"""Template tags that show the kennisbank's definitions wherever a term appears, from the same records as the
definitions page: `{% term_help "hard-signaal" %}` as help text, `{% term "indicator" %}` as a label with a tooltip;
and `{% routing_destination code %}`, a routing destination linked to the profile of who acts on it."""

from django import template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from keten.intake.models import RoutingAction
from keten.knowledge import selectors
from keten.knowledge.links import ROUTING_PROFILES

register = template.Library()

_ASSETS_SHOWN = "keten_knowledge_term_assets"
_COUNTER = "keten_knowledge_term_counter"


@register.simple_tag
def term_help(slug: str):
    """The term's short definition and a link to its page (in a new tab: a form being filled in stays open)."""
    definition = selectors.definition(slug)
    if definition is None:
        return ""
    return format_html(
        '<span class="keten-term-help">{summary} <a class="utrecht-link" href="{url}" target="_blank" '
        'rel="noopener">{more}</a></span>',
        summary=definition.text("summary"), url=reverse("knowledge:term", args=[slug]),
        more=_("Meer over ‘{term}’ in de kennisbank (opent in een nieuw tabblad)").format(
            term=definition.text("term").lower()))


@register.simple_tag(takes_context=True)
def term(context, slug: str, label: str = ""):
    """The term (or `label`) as a button with its definition as a tooltip: shown on hover and focus, toggled by a
    click, hidden with Escape (knowledge/terms.js); the definition is the button's description for screen readers.
    The first tooltip of a page brings its stylesheet and script along."""
    definition = selectors.definition(slug)
    if definition is None:
        return label
    render_context = context.render_context
    number = render_context.get(_COUNTER, 0) + 1
    render_context[_COUNTER] = number
    assets = ""
    if not render_context.get(_ASSETS_SHOWN):
        render_context[_ASSETS_SHOWN] = True
        assets = format_html('<link rel="stylesheet" href="{css}"><script src="{js}" defer></script>',
                             css=static("knowledge/terms.css"), js=static("knowledge/terms.js"))
    tip_id = f"keten-term-{slug}-{number}"
    return format_html(
        '{assets}<span class="keten-term"><button class="keten-term__button" type="button" aria-describedby="{id}">'
        '{label}</button><span class="keten-term__tip" role="tooltip" id="{id}">{summary}'
        '</span></span>', assets=assets, id=tip_id, label=label or definition.text("term"),
        summary=definition.text("summary"))


@register.simple_tag
def routing_destination(code: str):
    """The routing destination's label, linked to the kennisbank profile of the organisation that acts on it."""
    label = RoutingAction(code).label if code in RoutingAction.values else code
    profile = ROUTING_PROFILES.get(code)
    if profile is None:
        return label
    return format_html('<a class="utrecht-link" href="{url}">{label}</a>',
                       url=reverse("knowledge:profile", args=[profile]), label=label)


@register.filter
def local(record, name: str) -> str:
    """`{{ profile|local:"tasks" }}`: the text in the active language, Dutch when it has no English."""
    return record.text(name)


@register.filter
def lines(text: str) -> list[str]:
    return selectors.lines(text)


@register.filter
def basis_slug(code: str) -> str:
    """The slug of a legal basis's page among the definitions."""
    return selectors.basis_slug(code)
