"""The quarterly PDF of a region: it opens, names the region and the quarter, says in words what changed against
the previous quarter with published figures only, holds the dashboard's tables and charts, and keeps accents in
either font."""

import io
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader

from keten.core import pdf
from keten.core.clock import today
from keten.intake.models import Signal
from keten.monitor import report
from keten.monitor.report import Quarter, quarterly_report
from keten.regions.models import Region

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


@pytest.fixture
def limburg(demo):
    return Region.objects.get(layer__kind="province", code="PV31")


def _quarter_count(region: Region, quarter: Quarter) -> int:
    start, end = quarter.filters(region.layer.kind).bounds
    return Signal.objects.filter(municipality__regions=region, created_at__gte=start, created_at__lt=end).count()


def test_the_report_names_the_region_and_summarises_the_quarter(limburg, settings):
    settings.KETEN_MONITOR_ROUNDING = 1
    quarter = Quarter.of(today())
    pdf = quarterly_report(region=limburg, quarter=quarter)
    assert pdf.startswith(b"%PDF-")
    text = _text(pdf)
    assert "Kwartaalrapport mensenhandel: Limburg" in text
    assert f"{quarter.number}e kwartaal {quarter.year}" in text
    before, now = _quarter_count(limburg, quarter.previous), _quarter_count(limburg, quarter)
    if before >= 10 and now >= 10 and before != now:
        word = "steeg" if now > before else "daalde"
        assert f"Het aantal signalen {word} van {before} in het " in text
        assert f"naar {now} in het {quarter.label}" in text
    for title in ("Signalen per maand", "Signalen per vorm van uitbuiting", "Doorlooptijden",
                  "Lopende trajecten per fase", "Duur van trajecten per uitkomst",
                  "Sociale kaart: de ondergrens per gebied"):
        assert title in text
    assert "Noord-Holland" not in text


def test_the_summary_never_names_a_suppressed_figure(limburg, settings):
    settings.KETEN_MONITOR_MIN_CELL = 1000  # every count of Limburg is now too small to publish
    quarter = Quarter.of(today())
    text = _text(quarterly_report(region=limburg, quarter=quarter))
    assert "te klein om te tonen; daarom staat hier geen vergelijking" in text
    assert "steeg" not in text and "daalde" not in text and "aandeel signalen met een hard signaal was" not in text
    for count in {_quarter_count(limburg, quarter), _quarter_count(limburg, quarter.previous)} - {0}:
        assert not re.search(rf"(?<![\d,.]){count}(?![\d,])", text.split("Zo leest u de cijfers")[1]
                             .replace("minder dan 1000", "")), count


def test_rounded_figures_say_about(limburg, settings):
    settings.KETEN_MONITOR_ROUNDING = 5
    current, previous = (Quarter.of(today()), Quarter.of(today()).previous)
    lines = report.summary(*(report.build_dashboard(scope=report.region_scope(limburg), filters=q.filters("province"))
                             for q in (current, previous)), current)
    counts = [int(number) for number in re.findall(r"ongeveer (\d+)", lines[0])]
    assert counts and all(count % 5 == 0 and count >= 10 for count in counts)


@pytest.mark.parametrize("fonts", ["dejavu", "core"])
def test_accents_survive_in_either_font(limburg, monkeypatch, tmp_path, fonts):
    if fonts == "core":
        monkeypatch.setattr(pdf, "FONT_DIR", tmp_path)  # no TrueType font there: the PDF's own fonts
    elif not (pdf.FONT_DIR / "DejaVuSans.ttf").is_file():
        pytest.skip("fonts-dejavu-core is not installed")
    Region.objects.filter(pk=limburg.pk).update(name="Zuidoost-Limburg van Zoë en Anaïs")
    limburg.refresh_from_db()
    text = _text(quarterly_report(region=limburg, quarter=Quarter.of(today()).previous))
    assert "Zuidoost-Limburg van Zoë en Anaïs" in text
    assert "één vorm" in text and "‘Meer dan één vorm’" in text


def test_a_quarter_knows_its_months_and_its_predecessor():
    assert Quarter(2026, 1).previous == Quarter(2025, 4)
    filters = Quarter(2026, 2).filters("province")
    assert (filters.first_month.month, filters.last_month.month) == (4, 6)
    assert Quarter.of(today()).first_month <= today() < Quarter.of(today()).first_month + timedelta(days=92)
