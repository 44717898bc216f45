"""One participant's copy of the minutes as a PDF (fpdf2, with the fonts the machine ships: no network), holding
exactly what the page shows that participant."""

import logging
from pathlib import Path

from django.utils.translation import gettext as _
from fpdf import FPDF

from keten.signaltable import minutes

#: DejaVu Sans as Debian ships it (fonts-dejavu-core), as the monitor's report uses it; without it the PDF's core
#: fonts, which know Windows-1252 only.
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
CORE_ENCODING = "windows-1252"
# fontTools reports every table it subsets at INFO: noise for every PDF.
logging.getLogger("fontTools").setLevel(logging.WARNING)


class _Document(FPDF):
    def __init__(self, footer_text: str):
        super().__init__(format="A4")
        self.footer_text = footer_text
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=18)
        regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            self.add_font("keten", "", str(regular))
            self.add_font("keten", "B", str(bold))
            self.family, self.unicode = "keten", True
        else:
            self.core_fonts_encoding = CORE_ENCODING
            self.family, self.unicode = "helvetica", False

    def text_of(self, text: str) -> str:
        if self.unicode:
            return str(text)
        return str(text).encode(CORE_ENCODING, errors="replace").decode(CORE_ENCODING)

    def footer(self):
        self.set_y(-12)
        self.set_font(self.family, "", 8)
        self.cell(0, 5, self.text_of(f"{self.footer_text} · {self.page_no()}"), align="C")

    def paragraph(self, text: str, size: float = 10, bold: bool = False, height: float = 5) -> None:
        # Plain text, never markup: what a participant typed ("<script>" included) is drawn as it was typed.
        self.set_font(self.family, "B" if bold else "", size)
        self.multi_cell(0, height, self.text_of(text), align="L", new_x="LMARGIN", new_y="NEXT", markdown=False)

    def heading(self, text: str, size: float = 12) -> None:
        if self.get_y() > self.h - 40:  # a heading never stands alone at the foot of a page
            self.add_page()
        else:
            self.ln(3)
        self.paragraph(text, size=size, bold=True, height=size * 0.55)

    def lines(self, texts: list[str]) -> None:
        for text in texts:
            self.paragraph(text)


def minutes_pdf(copy: minutes.MinutesCopy) -> bytes:
    """The PDF of one copy: the header, each agenda item's sections and, in the chair's copy, the annex."""
    title = copy.title
    pdf = _Document(_("{title}, exemplaar voor {organisation}").format(title=title,
                                                                        organisation=copy.recipient.organisation))
    pdf.set_title(pdf.text_of(title))
    pdf.set_author("Keten")
    pdf.add_page()
    pdf.paragraph(title, size=16, bold=True, height=8)
    header = minutes.header_lines(copy)
    pdf.lines(header)
    pdf.heading(_("Deelnemers"))
    pdf.lines([f"• {minutes.person(participant)}" for participant in copy.participants] or [_("Geen deelnemers.")])
    for item in copy.items:
        if item.shielded:
            pdf.heading(_("{position}. Agendapunt afgeschermd").format(position=item.position))
            continue
        pdf.heading(_("{position}. Dossier {reference}").format(position=item.position, reference=item.reference))
        pdf.paragraph(_("Waarom op de agenda: {reasons}").format(reasons="; ".join(item.reasons) or "—"))
        pdf.heading(_("Samenvatting"), size=11)
        pdf.lines(minutes.summary_lines(item.summary))
        pdf.heading(_("Weging"), size=11)
        pdf.lines(minutes.assessment_lines(item.assessment))
        pdf.heading(_("Besluiten"), size=11)
        pdf.lines([line for decision in item.decisions for line in minutes.decision_lines(decision)]
                  or [_("Geen besluiten.")])
        pdf.heading(_("Acties"), size=11)
        pdf.lines([line for action in item.actions for line in minutes.action_lines(action)]
                  or [_("Geen acties.")])
    if copy.reveals is not None:
        pdf.heading(_("Bijlage: onthulde identiteiten"))
        pdf.paragraph(_("Alleen in het exemplaar van de voorzitter. De onthulde gegevens zelf staan hier niet."),
                      size=9, height=4.5)
        pdf.lines([f"• {minutes.reveal_line(reveal)}" for reveal in copy.reveals]
                  or [_("Geen identiteiten onthuld.")])
    return bytes(pdf.output())
