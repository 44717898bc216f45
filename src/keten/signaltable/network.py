"""The dossier's network picture, drawn on the server as SVG from what the table sees (aliases, signal references,
masked entities — never a revealed value), and the same ties as rows for a table that screen readers read.

The layout is three columns (people | signals | entities), evenly spaced, with straight lines for the ties: a
dossier holds a handful of signals, so a force-directed layout would only make the picture move between reads."""

from dataclasses import dataclass
from xml.etree import ElementTree as ET

from django.utils.translation import gettext as _

from keten.signaltable.dossier_selectors import DossierView

WIDTH = 800
COLUMN_X = (110, 360, 640)  # centres of the people, signals and entities columns
NODE_WIDTH = {"signal": 160, "entity": 300}
ROW = 44
TOP = 64
LABEL_LIMIT = 38  # characters in a node's label; the table beside the picture holds the rest

INK = "#1a1a1a"
LINE = "#6b6b6b"
FILL = {"person": "#e6eef7", "signal": "#ffffff", "entity": "#f3efe4"}


@dataclass(frozen=True)
class Tie:
    """One row of the table beside the picture: a person or entity, and the signals it occurs in."""

    kind: str  # "person" or "entity"
    name: str
    references: tuple[str, ...]


def ties(view: DossierView) -> list[Tie]:
    return ([Tie("person", person.alias, tuple(dict.fromkeys(a.reference for a in person.appearances)))
             for person in view.people]
            + [Tie("entity", entity.name, entity.references) for entity in view.entities])


def _short(text: str) -> str:
    return text if len(text) <= LABEL_LIMIT else text[:LABEL_LIMIT - 1] + "…"


def _y(index: int) -> int:
    return TOP + index * ROW


def network_svg(view: DossierView, *, id_prefix: str = "netwerk") -> str:
    """The picture as an SVG document (a string). Built with ElementTree, so every text is escaped; labelled by
    its <title> and <desc> for assistive technology."""
    people = [(person.alias, tuple(dict.fromkeys(a.reference for a in person.appearances)))
              for person in view.people]
    signals = [entry.reference for entry in view.signals if entry.readable]
    entities = [(entity.name, entity.references) for entity in view.entities]
    rows = max(len(people), len(signals), len(entities), 1)
    height = TOP + rows * ROW

    title_id, desc_id = f"{id_prefix}-titel", f"{id_prefix}-beschrijving"
    svg = ET.Element("svg", {
        "xmlns": "http://www.w3.org/2000/svg", "viewBox": f"0 0 {WIDTH} {height}", "width": str(WIDTH),
        "height": str(height), "role": "img", "aria-labelledby": f"{title_id} {desc_id}",
        "class": "keten-network", "font-family": "sans-serif", "font-size": "13"})
    ET.SubElement(svg, "title", {"id": title_id}).text = _("Netwerk van dossier {reference}").format(
        reference=view.dossier.reference)
    ET.SubElement(svg, "desc", {"id": desc_id}).text = _(
        "{people} personen, {signals} signalen en {entities} gegevens; een lijn verbindt een signaal met een "
        "persoon of gegeven dat erin voorkomt. De tabel onder de afbeelding zegt hetzelfde."
    ).format(people=len(people), signals=len(signals), entities=len(entities))

    for x, heading in zip(COLUMN_X, (_("Personen"), _("Signalen"), _("Gegevens")), strict=True):
        ET.SubElement(svg, "text", {"x": str(x), "y": "28", "text-anchor": "middle", "font-weight": "bold",
                                    "fill": INK}).text = str(heading)

    where = {reference: _y(index) for index, reference in enumerate(signals)}
    lines = ET.SubElement(svg, "g", {"stroke": LINE, "stroke-width": "1.5", "aria-hidden": "true"})
    for column, nodes in ((0, people), (2, entities)):
        for index, (_name, references) in enumerate(nodes):
            for reference in references:
                if reference in where:
                    ET.SubElement(lines, "line", {
                        "x1": str(COLUMN_X[column]), "y1": str(_y(index)), "x2": str(COLUMN_X[1]),
                        "y2": str(where[reference])})

    for index, (name, _references) in enumerate(people):
        _node(svg, "person", COLUMN_X[0], _y(index), name)
    for index, reference in enumerate(signals):
        _node(svg, "signal", COLUMN_X[1], _y(index), reference)
    for index, (name, _references) in enumerate(entities):
        _node(svg, "entity", COLUMN_X[2], _y(index), name)
    return ET.tostring(svg, encoding="unicode")


def _node(svg, kind: str, x: int, y: int, text: str) -> None:
    """A labelled shape; the shape says the kind too (ellipse: person, rectangle: signal, rounded: entity), so
    colour is never the only cue."""
    group = ET.SubElement(svg, "g", {"class": f"keten-network__{kind}"})
    if kind == "person":
        ET.SubElement(group, "ellipse", {"cx": str(x), "cy": str(y), "rx": "90", "ry": "16", "fill": FILL[kind],
                                         "stroke": INK})
    else:
        width = NODE_WIDTH[kind]
        ET.SubElement(group, "rect", {
            "x": str(x - width // 2), "y": str(y - 15), "width": str(width), "height": "30", "fill": FILL[kind],
            "stroke": INK, "rx": "0" if kind == "signal" else "12"})
    ET.SubElement(group, "text", {"x": str(x), "y": str(y + 4), "text-anchor": "middle", "fill": INK}).text = (
        _short(text))
