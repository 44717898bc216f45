"""The notifications page: one's own notices, newest first with the unread ones marked, marking one or all as read
(never another's: 404), the empty state, and the unread count in the header of every page."""

import pytest
from django.test import Client
from django.urls import reverse

from keten.accounts.roles import Role
from keten.notifications.models import Notification
from keten.notifications.services import notify

pytestmark = pytest.mark.django_db


def _notice(membership, number: int, kind="routing"):
    (notice,) = notify(memberships=[membership], kind=kind, key=f"signal:test-{number}:{kind}",
                       title=f"Signaal M-TEST0{number} uit Amsterdam is met uw organisatie gedeeld",
                       link=f"/signalen/00000000-0000-0000-0000-00000000000{number}/")
    return notice


def test_the_list_shows_ones_own_notices_newest_first_and_links_onward(demo, client_for):
    coordinator = demo[Role.CARE_COORDINATOR]
    _notice(coordinator, 1)
    _notice(coordinator, 2, kind="overdue")
    _notice(demo[Role.TABLE_CHAIR], 3)
    page = client_for(Role.CARE_COORDINATOR).get(reverse("notifications:list")).content.decode()
    assert page.index("M-TEST02") < page.index("M-TEST01")
    assert 'href="/signalen/00000000-0000-0000-0000-000000000001/"' in page
    assert "M-TEST03" not in page  # the chair's
    assert "Te laat voor triage" in page and "Markeer als gelezen" in page and "Alles gelezen" in page
    assert "2 meldingen, 2 ongelezen" in page


def test_marking_one_as_read_takes_it_off_the_count(demo, client_for):
    coordinator = demo[Role.CARE_COORDINATOR]
    first, _second = _notice(coordinator, 1), _notice(coordinator, 2)
    client = client_for(Role.CARE_COORDINATOR)
    assert "2 ongelezen meldingen" in client.get(reverse("web:home")).content.decode()

    response = client.post(reverse("notifications:mark-read", args=[first.pk]), follow=True)
    page = response.content.decode()
    assert "De melding is gemarkeerd als gelezen." in page
    assert "1 ongelezen melding<" in page  # the header's count
    first.refresh_from_db()
    assert first.is_read


def test_anothers_notice_cannot_be_marked(demo, client_for):
    notice = _notice(demo[Role.TABLE_CHAIR], 1)
    response = client_for(Role.CARE_COORDINATOR).post(reverse("notifications:mark-read", args=[notice.pk]))
    assert response.status_code == 404
    notice.refresh_from_db()
    assert not notice.is_read


def test_marking_read_needs_a_post_with_its_csrf_token(demo):
    notice = _notice(demo[Role.CARE_COORDINATOR], 1)
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo[Role.CARE_COORDINATOR].user)
    assert client.get(reverse("notifications:mark-read", args=[notice.pk])).status_code == 405
    assert client.post(reverse("notifications:mark-read", args=[notice.pk])).status_code == 403
    notice.refresh_from_db()
    assert not notice.is_read


def test_all_read_reads_ones_own_and_the_badge_goes(demo, client_for):
    coordinator = demo[Role.CARE_COORDINATOR]
    _notice(coordinator, 1), _notice(coordinator, 2)
    others = _notice(demo[Role.TABLE_CHAIR], 3)
    client = client_for(Role.CARE_COORDINATOR)
    page = client.post(reverse("notifications:mark-all-read"), follow=True).content.decode()
    assert "2 meldingen gemarkeerd als gelezen." in page
    assert "ongelezen melding" not in page.split("<main")[0]  # no badge in the header
    assert "Markeer als gelezen" not in page and "Alles gelezen" not in page
    others.refresh_from_db()
    assert not others.is_read
    assert "U had geen ongelezen meldingen." in client.post(reverse("notifications:mark-all-read"),
                                                            follow=True).content.decode()


def test_without_notices_the_page_says_so(client_for):
    page = client_for(Role.MUNICIPALITY_OFFICER).get(reverse("notifications:list")).content.decode()
    assert "U heeft geen meldingen." in page
    assert 'href="/meldingen/" aria-current="page"' in page


def test_a_long_list_is_paged(demo, client_for):
    coordinator = demo[Role.CARE_COORDINATOR]
    Notification.objects.bulk_create([
        Notification(recipient=coordinator, kind="routing", title=f"Melding {n}", link="/signalen/",
                     key=f"test:{n}") for n in range(30)])
    client = client_for(Role.CARE_COORDINATOR)
    first = client.get(reverse("notifications:list")).content.decode()
    assert first.count("Markeer als gelezen") == 25 and 'rel="next"' in first
    second = client.get(reverse("notifications:list"), {"page": 2}).content.decode()
    assert second.count("Markeer als gelezen") == 5
    oldest = Notification.objects.filter(recipient=coordinator).order_by("created_at", "id").first()
    response = client.post(reverse("notifications:mark-read", args=[oldest.pk]), {"page": "2"})
    assert response["Location"] == reverse("notifications:list") + "?page=2"  # the reader keeps their place


def test_the_header_shows_no_count_to_a_visitor(regions_loaded):
    page = Client().get(reverse("web:home")).content.decode()
    assert "Meldingen" not in page
