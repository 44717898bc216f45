import pytest
from keten.signaltable.services import link_rebuild
from keten.signaltable.models import SignalLink
from keten.signaltable.explanations import dossier_links
from keten.signaltable.selectors import dossiers_visible
from keten.accounts.actor import Actor
from django.urls import reverse
pytestmark = pytest.mark.django_db

def test_show(demo, client_for):
    run, result = link_rebuild()
    links = SignalLink.objects.filter(run=run)
    print("links", links.count(), "record links", len(result.a), "records", len(result.table))
    for l in links[:5]:
        print(l.score, l.weight, l.prior, l.verdict, l.contributions)
    chair = Actor.of(demo["table_chair"])
    for d in dossiers_visible(actor=chair):
        print(d.reference, len(dossier_links(chair, d)))
    d = max(dossiers_visible(actor=chair), key=lambda d: len(dossier_links(chair, d)))
    html = client_for("table_chair").get(reverse("signaltable:dossier", kwargs={"dossier_id": d.pk})).content.decode()
    i = html.index("Waarom deze")
    print(html[i-200:i+5000])
