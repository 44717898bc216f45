"""The monitor's pages as its users see them: the national analyst sees every region, the municipality officer
only their own (also in every export), every other role is refused; every figure on the page and in the exports
went through disclosure control; each view and export leaves one audit event; bad filters say why in Dutch."""

import csv
import io
import re

import pytest
from django.db.models import Value
from django.db.models.functions import Concat
from openpyxl import load_workbook

from keten.audit.models import AuditEvent
from keten.intake.models import IndicatorKind, Signal
from keten.monitor.dashboard import SLUGS, TRAJECTORY_DURATIONS
from keten.regions.models import Region

pytestmark = pytest.mark.django_db

NOORD_HOLLAND, LIMBURG = "Noord-Holland", "Limburg"


def _text(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[html.index("<main"):]))


def _csv(response) -> list[list[str]]:
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:]), delimiter=";"))


def _table_rows(rows: list[list[str]]) -> list[list[str]]:
    """The rows of the table in an export: from its header to the empty line after it."""
    start = next(index for index, row in enumerate(rows) if len(row) > 2)
    end = next(index for index in range(start, len(rows)) if not rows[index])
    return rows[start:end]


def test_the_national_analyst_sees_every_region_with_small_counts_hidden(client_for):
    response = client_for("national_analyst").get("/monitor/")
    assert response.status_code == 200
    text = _text(response)
    assert "Cijfers van heel Nederland" in text
    assert NOORD_HOLLAND in text and LIMBURG in text
    assert "· = niet getoond: minder dan 10" in text
    assert "afgerond op veelvouden van 5" in text
    # Two signals of organ removal in each demo region: never shown, and not by its total either.
    form_table = text[text.index("Signalen per vorm van uitbuiting:"):text.index("Signalen per soort melder")]
    assert re.search(r"Totaal( [\d.]+){3} · ", form_table)


def test_a_municipality_officer_never_sees_another_regions_figures(client_for):
    client = client_for("municipality_officer")  # Limburg
    for query in ("", "?indeling=municipality", "?indeling=veilig_thuis", "?indeling=police_unit"):
        text = _text(client.get(f"/monitor/{query}"))
        assert "Cijfers van Limburg" in text
        assert NOORD_HOLLAND not in text and "Amsterdam" not in text and "Haarlem" not in text
    for slug in set(SLUGS) - {TRAJECTORY_DURATIONS}:  # that one has a row per outcome, not per region
        rows = _csv(client.get(f"/monitor/export/{slug}.csv?indeling=province"))
        labels = [row[0] for row in _table_rows(rows)[1:]]
        assert NOORD_HOLLAND not in labels and LIMBURG in labels
    labels = {row[0] for row in _table_rows(_csv(client.get("/monitor/export/per-maand.csv?indeling=municipality")))}
    limburg = set(Region.objects.get(layer__kind="province", code="PV31").municipalities.values_list("name",
                                                                                                     flat=True))
    assert labels - limburg == {"Gemeente", "Overige gebieden samen", "Totaal"}


@pytest.mark.parametrize("role", ["care_coordinator", "table_member", "police_investigator", "care_worker",
                                  "veilig_thuis_worker", "registration_officer", "privacy_officer",
                                  "functional_admin"])
def test_every_other_role_is_refused_the_monitor_and_its_exports(client_for, role):
    client = client_for(role)
    assert client.get("/monitor/").status_code == 403
    assert client.get("/monitor/export/per-maand.csv").status_code == 403
    assert client.get("/monitor/export/per-vorm.xlsx").status_code == 403


@pytest.mark.parametrize("slug", SLUGS)
def test_csv_exports_hold_only_figures_that_passed_disclosure(client_for, slug):
    response = client_for("national_analyst").get(f"/monitor/export/{slug}.csv?indeling=municipality")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="monitor-{slug}.csv"'
    rows = _csv(response)
    assert rows[1][0].startswith("Periode: ") and rows[2][0] == "Gebied: heel Nederland"
    table = _table_rows(rows)
    # Lead times and durations are statistics; the ondergrens counts municipalities, not people.
    if slug not in ("doorlooptijden", "trajectduur", "ondergrens"):
        for row in table[1:]:
            for cell in row[1:]:
                if cell not in ("·", "–") and not cell.endswith("%"):
                    value = int(cell.replace(".", ""))
                    assert value == 0 or (value >= 10 and value % 5 == 0), f"{row[0]}: {cell}"
    assert any("niet getoond" in row[0] for row in rows if row)


def test_small_municipalities_are_added_up_into_one_rest_row(client_for):
    table = _table_rows(_csv(client_for("national_analyst").get("/monitor/export/per-maand.csv"
                                                                "?indeling=municipality")))
    rest = [row for row in table if row[0] == "Overige gebieden samen"]
    assert len(rest) == 1
    total = next(row for row in table if row[0] == "Totaal")
    assert total[-1] == "300"


def test_the_xlsx_export_has_numbers_and_the_notes(client_for):
    response = client_for("national_analyst").get("/monitor/export/harde-signalen.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Signalen met een hard signaal"
    header = next(row for row in values if row[0] == "Provincie")
    assert header[1:5] == ["Met een hard signaal", "Zonder hard signaal", "Totaal", "Aandeel met een hard signaal"]
    limburg = next(row for row in values if row[0] == LIMBURG)
    assert isinstance(limburg[3], int) and limburg[3] == 100
    assert any(row[0] and "niet getoond" in row[0] for row in values)


def test_each_view_and_export_is_one_audit_event_for_monitoring(client_for, demo):
    client = client_for("national_analyst")
    user = demo["national_analyst"].user
    before = AuditEvent.objects.filter(actor=user).count()
    client.get("/monitor/")
    client.get("/monitor/export/per-maand.csv")
    events = list(AuditEvent.objects.filter(actor=user).order_by("occurred_at", "seq")[before:])
    assert [(event.action, event.object_type, event.purpose) for event in events] == [
        ("search", "monitor.dashboard", "monitoring"), ("export", "monitor.dashboard", "monitoring")]


def test_bad_filters_say_why_and_show_no_figures(client_for):
    client = client_for("national_analyst")
    response = client.get("/monitor/?van=2026-06&tot=2026-01")
    text = _text(response)
    assert "De laatste maand ligt vóór de eerste" in text
    assert "Signalen per maand" not in text
    assert "Vul een maand in als jjjj-mm" in _text(client.get("/monitor/?van=juni"))
    assert "Kies een indeling uit de lijst" in _text(client.get("/monitor/?indeling=planeet"))
    assert client.get("/monitor/export/per-maand.csv?van=2026-06&tot=2026-01").status_code == 400
    assert client.get("/monitor/export/onbekend.csv").status_code == 404


def test_the_navigation_offers_the_monitor_to_its_two_roles_only(client_for):
    assert 'href="/monitor/"' in client_for("national_analyst").get("/").content.decode()
    assert 'href="/monitor/"' in client_for("municipality_officer").get("/").content.decode()
    assert 'href="/monitor/"' not in client_for("care_coordinator").get("/").content.decode()


def test_a_region_name_that_looks_like_a_formula_is_exported_as_text(client_for):
    # Care-coordination regions are drawn and named by administrators: a name is typed by a person.
    Region.objects.filter(layer__kind="care_coordination").update(name=Concat(Value("=HYPERLINK("), "code"))
    table = _table_rows(_csv(client_for("national_analyst").get("/monitor/export/per-vorm.csv"
                                                                "?indeling=care_coordination")))
    labels = [row[0] for row in table[1:]]
    assert not any(label.startswith("=") for label in labels)
    assert any(label.startswith("'=HYPERLINK(") for label in labels)


def test_threshold_and_rounding_come_from_the_settings(client_for, settings):
    with_hard = Signal.objects.filter(municipality__regions__code="PV31",
                                      indicators__indicator__kind=IndicatorKind.HARD).distinct().count()
    settings.KETEN_MONITOR_ROUNDING = 1
    rows = _table_rows(_csv(client_for("national_analyst").get("/monitor/export/harde-signalen.csv")))
    assert next(row for row in rows if row[0] == LIMBURG)[1:4] == [str(with_hard), str(100 - with_hard), "100"]
    settings.KETEN_MONITOR_MIN_CELL = 101  # more than Limburg's hundred: nothing of Limburg may show
    rows = _table_rows(_csv(client_for("national_analyst").get("/monitor/export/harde-signalen.csv")))
    assert LIMBURG not in [row[0] for row in rows]
    text = _text(client_for("national_analyst").get("/monitor/"))
    assert "minder dan 101" in text and "afgerond" not in text


def test_the_figures_are_kept_a_few_minutes_and_the_page_says_so(client_for, demo, settings):
    from tests.monitor.support import trajectories

    client = client_for("national_analyst")
    settings.KETEN_MONITOR_ROUNDING = 1
    first = _csv(client.get("/monitor/export/open-trajecten.csv"))
    trajectories(demo, municipality="GM0935", count=20)
    assert _csv(client.get("/monitor/export/open-trajecten.csv")) == first  # kept
    assert "De cijfers worden 5 minuten bewaard" in _text(client.get("/monitor/"))
    settings.KETEN_MONITOR_CACHE_SECONDS = 0
    assert _csv(client.get("/monitor/export/open-trajecten.csv")) != first
    assert "bewaard" not in _text(client.get("/monitor/"))
