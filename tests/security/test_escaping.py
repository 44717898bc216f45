"""Markup typed into any free-text field is shown as text everywhere: no template turns escaping off, the one
mark_safe is accounted for, and PDFs draw text, never markup. tests/security/test_hostile_input.py shows it on
pages and in e-mail; this keeps every other place from starting to trust typed text."""

import io
import re
from pathlib import Path

from pypdf import PdfReader

from keten.core.pdf import Document

SRC = Path(__file__).resolve().parents[2] / "src" / "keten"
#: Where markup is built in Python and marked safe, and why that is sound.
MARKED_SAFE = {
    "signaltable/dossier_views.py": "the dossier network's SVG, built by ElementTree (which escapes every text and "
                                    "attribute) from masked labels only",
}


def _sources(pattern: str):
    return [path for path in SRC.rglob(pattern) if "migrations" not in path.parts]


def test_no_template_turns_escaping_off():
    unescaped = re.compile(r"\|\s*safe(seq)?\b|{%\s*autoescape\s+off")
    found = [f"{path.relative_to(SRC)}:{number}" for path in _sources("*.html")
             for number, line in enumerate(path.read_text().splitlines(), start=1) if unescaped.search(line)]
    assert found == []


def test_markup_is_marked_safe_only_where_it_is_built_escaped():
    found = {str(path.relative_to(SRC)) for path in _sources("*.py") if "mark_safe(" in path.read_text()}
    assert found == set(MARKED_SAFE)


def test_no_pdf_or_text_is_rendered_from_markup():
    found = [str(path.relative_to(SRC)) for path in _sources("*.py")
             if re.search(r"markdown\s*=\s*True|write_html\(", path.read_text())]
    assert found == []


def test_a_pdf_paragraph_draws_typed_markup_as_the_text_it_is():
    typed = "Gezien <script>alert(1)</script> bij **de ingang** en <b>vet</b>"
    document = Document("Proef")
    document.add_page()
    document.paragraph(typed)
    text = PdfReader(io.BytesIO(bytes(document.output()))).pages[0].extract_text()
    assert "<script>alert(1)</script>" in text and "**de ingang**" in text and "<b>vet</b>" in text
