"""The PDF document every Keten report starts from (fpdf2): A4, the machine's DejaVu fonts when present (no
network), a footer with the page number, and paragraphs of plain text."""

import logging
from pathlib import Path

from fpdf import FPDF

#: DejaVu Sans as Debian ships it (fonts-dejavu-core); without it the PDF's core fonts, which know Windows-1252 only.
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
CORE_ENCODING = "windows-1252"
# fontTools reports every table it subsets at INFO: noise for every PDF.
logging.getLogger("fontTools").setLevel(logging.WARNING)


class Document(FPDF):
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
        """What the font can write: a core font knows Windows-1252 only; anything else becomes '?'."""
        if self.unicode:
            return str(text)
        return str(text).encode(CORE_ENCODING, errors="replace").decode(CORE_ENCODING)

    def use(self, size: float, bold: bool = False) -> None:
        self.set_font(self.family, "B" if bold else "", size)

    def footer(self):
        self.set_y(-12)
        self.use(8)
        self.cell(0, 5, self.text_of(f"{self.footer_text} · {self.page_no()}"), align="C")

    def paragraph(self, text: str, size: float = 10, bold: bool = False, height: float = 5) -> None:
        # Plain text, never markup: what someone typed ("<script>" included) is drawn as it was typed.
        self.use(size, bold)
        self.multi_cell(0, height, self.text_of(text), align="L", new_x="LMARGIN", new_y="NEXT", markdown=False)
