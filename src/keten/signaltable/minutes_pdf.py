"""One participant's copy of the minutes as a PDF (fpdf2, with the fonts the machine ships: no network), holding
exactly what the page shows that participant."""

from django.utils.translation import gettext as _

from keten.core.pdf import Document
from keten.signaltable import minutes


class _Minutes(Document):
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
    pdf = _Minutes(_("{title}, exemplaar voor {organisation}").format(title=title,
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
