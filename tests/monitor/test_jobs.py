"""Background exports as their requesters see them: asking for a quarterly report or the yearly dataset makes a
job that runs in the background with its progress on the page, tells the requester when the file is ready, and
hands the file to them only (404 for anyone else); each request and download is audited."""

import pytest

from keten.audit.models import AuditEvent
from keten.core.clock import today
from keten.monitor import jobs
from keten.monitor.models import ExportJob, ExportStatus
from keten.monitor.report import Quarter
from keten.notifications.models import Notification
from tests.monitor.support import registration

pytestmark = pytest.mark.django_db

LIMBURG, NOORD_HOLLAND = "province:PV31", "province:PV27"


def _ask_report(client, region=LIMBURG, quarter: Quarter | None = None):
    quarter = quarter or Quarter.of(today())
    return client.post("/monitor/rapport/", {"gebied": region, "jaar": quarter.year, "kwartaal": quarter.number})


def test_a_report_runs_in_the_background_and_only_its_requester_downloads_it(client_for, demo, make_person):
    client = client_for("national_analyst")
    response = _ask_report(client)
    job = ExportJob.objects.get(membership=demo["national_analyst"])
    assert response.status_code == 302 and response["Location"] == f"/monitor/exports/{job.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Klaar" in page and "100% klaar" in page and "hx-get" not in page
    assert f'href="/monitor/exports/{job.pk}/download"' in page
    notice = Notification.objects.get(recipient=demo["national_analyst"], key=f"monitor-export:{job.pk}")
    assert notice.title.startswith("Klaar om te downloaden: Kwartaalrapport Limburg") and notice.link == (
        f"/monitor/exports/{job.pk}/")
    download = client.get(f"/monitor/exports/{job.pk}/download")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download.content.startswith(b"%PDF-")
    assert download["Content-Disposition"].startswith('attachment; filename="kwartaalrapport-pv31-')

    other_analyst, _password, _secret = make_person("national_analyst")
    from django.test import Client

    other = Client()
    other.force_login(other_analyst)
    for url in (f"/monitor/exports/{job.pk}/", f"/monitor/exports/{job.pk}/download"):
        assert other.get(url).status_code == 404
        assert client_for("municipality_officer").get(url).status_code == 404


def test_asking_and_downloading_are_audited_for_monitoring(client_for, demo):
    client = client_for("national_analyst")
    _ask_report(client)
    job = ExportJob.objects.get(membership=demo["national_analyst"])
    client.get(f"/monitor/exports/{job.pk}/download")
    events = AuditEvent.objects.filter(object_type="monitor.exportjob", object_id=str(job.pk)).order_by("seq")
    assert [(event.action, event.purpose) for event in events] == [("export", "monitoring"), ("read", "monitoring")]


def test_the_job_page_shows_progress_while_it_runs(client_for, demo, monkeypatch):
    seen = []
    original = jobs._save

    def watching(job, **values):
        original(job, **values)
        if "progress" in values:
            seen.append(ExportJob.objects.get(pk=job.pk).progress)

    monkeypatch.setattr(jobs, "_save", watching)
    _ask_report(client_for("municipality_officer"))
    assert seen == sorted(seen) and seen[0] < 50 and seen[-1] == 100 and len(seen) >= 4

    waiting = ExportJob.objects.create(membership=demo["national_analyst"], kind="quarterly_report",
                                       parameters={"layer": "province", "region": "PV31", "year": 2026, "quarter": 1},
                                       progress=40, status=ExportStatus.RUNNING)
    client = client_for("national_analyst")
    page = client.get(f"/monitor/exports/{waiting.pk}/").content.decode()
    assert "Wordt gemaakt" in page and "40% klaar" in page
    assert f'hx-get="/monitor/exports/{waiting.pk}/"' in page and "<script>" not in page
    assert client.get(f"/monitor/exports/{waiting.pk}/", HTTP_HX_REQUEST="true").status_code == 200
    assert client.get(f"/monitor/exports/{waiting.pk}/download").status_code == 404  # not ready yet
    ExportJob.objects.filter(pk=waiting.pk).update(status=ExportStatus.DONE, progress=100)
    assert client.get(f"/monitor/exports/{waiting.pk}/", HTTP_HX_REQUEST="true").status_code == 286


def test_a_municipality_officer_reports_on_their_own_region_only(client_for, demo):
    client = client_for("municipality_officer")  # Limburg
    page = client.get("/monitor/rapport/").content.decode()
    assert "Limburg" in page and "Noord-Holland" not in page
    response = _ask_report(client, region=NOORD_HOLLAND)
    assert response.status_code == 400 and "Kies een gebied uit de lijst." in response.content.decode()
    assert not ExportJob.objects.filter(membership=demo["municipality_officer"]).exists()


def test_a_quarter_that_has_not_begun_is_refused(client_for, demo):
    next_quarter = Quarter.of(today())
    next_quarter = Quarter(next_quarter.year + 1, 1) if next_quarter.number == 4 else Quarter(
        next_quarter.year, next_quarter.number + 1)
    response = _ask_report(client_for("national_analyst"), quarter=next_quarter)
    assert response.status_code == 400
    assert "Dit kwartaal is nog niet begonnen" in response.content.decode() or "Dit jaar is nog niet begonnen" in (
        response.content.decode())
    assert not ExportJob.objects.exists()


def test_the_registration_officer_gets_the_yearly_dataset(client_for, demo):
    year = today().year - 1
    for _index in range(12):
        registration(demo, year=year)
    client = client_for("registration_officer")
    response = client.post("/monitor/jaarbestand/", {"jaar": year})
    job = ExportJob.objects.get(membership=demo["registration_officer"])
    assert response["Location"] == f"/monitor/exports/{job.pk}/" and job.status == ExportStatus.DONE
    page = client.get(response["Location"]).content.decode()
    assert "12 van 12 registraties, in groepen van ten minste 10" in page
    download = client.get(f"/monitor/exports/{job.pk}/download")
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert download.content.decode("utf-8").splitlines()[0] == (
        "\ufeffjaar;leeftijdsklasse;geslacht;herkomst;uitbuitingsvorm;politie_eenheid")
    assert client_for("national_analyst").get(f"/monitor/exports/{job.pk}/download").status_code == 404


def test_the_dataset_is_refused_to_a_municipality_officer_and_bad_years_say_why(client_for):
    assert client_for("municipality_officer").get("/monitor/jaarbestand/").status_code == 403
    client = client_for("national_analyst")
    assert "Jaarbestand voor de Nationaal Rapporteur" in client.get("/monitor/").content.decode()
    response = client.post("/monitor/jaarbestand/", {"jaar": "vorig jaar"})
    assert response.status_code == 400 and "Vul een jaartal in" in response.content.decode()
    response = client.post("/monitor/jaarbestand/", {"jaar": today().year + 1})
    assert "Dit jaar is nog niet begonnen" in response.content.decode()
    assert not ExportJob.objects.exists()
