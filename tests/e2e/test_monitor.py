"""A national analyst opens the monitor in the browser: the figures per province with their charts, a filter,
and one table downloaded as CSV; a municipality officer sees only Limburg; a quarterly PDF and the yearly dataset
are made as background jobs and downloaded. Every page is checked by axe."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import assert_accessible
from tests.e2e.flows import log_in

pytestmark = pytest.mark.e2e


def test_national_analyst_reads_the_monitor_and_downloads_a_table(page, demo_person, artifacts):
    log_in(page, demo_person("national_analyst"))
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Monitor").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Landelijke monitor")
    expect(page.get_by_text("Cijfers van heel Nederland")).to_be_visible()
    by_month = page.get_by_role("table", name=re.compile(r"^Signalen per maand: heel Nederland"))
    expect(by_month.get_by_role("row", name=re.compile("^Noord-Holland"))).to_be_visible()
    expect(by_month.get_by_role("row", name=re.compile("^Limburg"))).to_be_visible()
    expect(page.get_by_role("img", name="Signalen per maand, alle gebieden samen")).to_be_visible()
    expect(page.get_by_text("· = niet getoond: minder dan 10", exact=False)).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Per gebied", exact=True).select_option(label="Veilig Thuis-regio")
    page.get_by_label("Vorm van uitbuiting", exact=True).select_option(label="Arbeidsuitbuiting")
    page.get_by_role("button", name="Toon de cijfers").click()
    expect(page.get_by_text("Alleen signalen met de vorm ‘Arbeidsuitbuiting’.")).to_be_visible()
    by_form = page.get_by_role("table", name=re.compile(r"^Signalen per vorm van uitbuiting"))
    expect(by_form.get_by_role("columnheader", name="Veilig Thuis-regio")).to_be_visible()
    page.screenshot(path=artifacts / "monitor-dashboard.png", full_page=True)
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Signalen per maand als CSV").click()
    assert download.value.suggested_filename == "monitor-per-maand.csv"
    content = open(download.value.path(), encoding="utf-8-sig").read()  # noqa: SIM115 -- read once, closed by GC
    assert content.startswith("Signalen per maand\n") or content.startswith("Signalen per maand\r\n")
    assert "Veilig Thuis-regio;" in content and "niet getoond" in content


def test_municipality_officer_sees_only_their_region(page, demo_person):
    log_in(page, demo_person("municipality_officer"))
    page.goto("/monitor/")
    expect(page.get_by_text("Cijfers van Limburg")).to_be_visible()
    expect(page.get_by_text("Noord-Holland")).to_have_count(0)
    assert_accessible(page)


def test_national_analyst_makes_a_quarterly_report(page, demo_person, artifacts):
    log_in(page, demo_person("national_analyst"))
    page.goto("/monitor/")
    page.get_by_role("link", name="Kwartaalrapport als PDF").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kwartaalrapport")
    assert_accessible(page)
    page.get_by_label("Gebied", exact=True).select_option(value="province:PV31")  # the province, not the police unit
    page.get_by_role("button", name="Maak het rapport").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kwartaalrapport Limburg")
    expect(page.locator("#export-status").get_by_role("status")).to_have_text("Klaar")
    expect(page.get_by_text("100% klaar")).to_be_visible()
    page.screenshot(path=artifacts / "monitor-report-job.png", full_page=True)
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^Download kwartaalrapport-pv31-.*\.pdf$")).click()
    assert download.value.suggested_filename.startswith("kwartaalrapport-pv31-")
    with open(download.value.path(), "rb") as file:
        assert file.read(5) == b"%PDF-"


def test_registration_officer_makes_the_yearly_dataset(page, demo_person):
    log_in(page, demo_person("registration_officer"))
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Jaarbestand").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jaarbestand voor de Nationaal Rapporteur")
    assert_accessible(page)
    page.get_by_role("button", name="Maak het jaarbestand").click()
    expect(page.locator("#export-status").get_by_role("status")).to_have_text("Klaar")
    expect(page.get_by_text("in groepen van ten minste 10")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^Download jaarbestand-mensenhandel-\d{4}\.csv$")).click()
    with open(download.value.path(), encoding="utf-8-sig") as file:
        assert file.readline().strip() == "jaar;leeftijdsklasse;geslacht;herkomst;uitbuitingsvorm;politie_eenheid"
