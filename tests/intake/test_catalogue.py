"""The indicator catalogue: loaded from the committed copy, safe to load again, reworded only by a national
functional administrator and then only from now on (old signals keep their words), retired codes never reused."""

from datetime import date

import pytest

from keten.accounts.actor import Actor
from keten.accounts.roles import Role
from keten.audit.models import AuditEvent
from keten.core import memo
from keten.core.errors import ConcurrentUpdate, PermissionDenied, ValidationFailed
from keten.intake.catalogue import NOT_CONCLUSIVE, exploitation_forms, read_indicators
from keten.intake.models import Indicator, IndicatorVersion
from keten.intake.selectors import indicator_catalogue
from keten.intake.services import (
    InvalidSignal,
    indicator_create,
    indicator_retire,
    indicator_revise,
    load_indicators,
    signal_register,
)

pytestmark = pytest.mark.django_db


def _actor(demo, role):
    return Actor.of(demo[role])


def _register(actor, indicators):
    return signal_register(actor=actor, observed_on=date(2026, 1, 5), municipality="GM0363", forms=["labour"],
                           urgency="normal", basis="wmo", indicators=indicators)


def test_the_committed_catalogue_is_read_whole_and_checked():
    rows = read_indicators()
    assert len(rows) == 96
    assert sum(row.kind == "hard" for row in rows) == 42
    assert [row.code for row in rows if row.code.startswith("ILO-")] == [f"ILO-{n:02d}" for n in range(1, 12)]
    assert set(exploitation_forms()) == {"sexual", "labour", "criminal", "organ_removal"}
    assert all(form.definition_nl and form.legal_reference for form in exploitation_forms().values())


def test_every_indicator_is_loaded_with_one_current_wording_and_loading_again_changes_nothing(demo):
    assert Indicator.objects.count() == 96
    assert IndicatorVersion.objects.filter(valid_until__isnull=True).count() == 96
    before = list(IndicatorVersion.objects.order_by("pk").values_list("pk", "text_nl"))
    summary = load_indicators()
    assert (summary.created, summary.revised, summary.total) == (0, 0, 96)
    assert list(IndicatorVersion.objects.order_by("pk").values_list("pk", "text_nl")) == before


def test_the_catalogue_groups_by_theme_and_a_form_keeps_the_signs_of_every_form(demo):
    groups = indicator_catalogue(forms=["labour"])
    forms = {version.indicator.form for group in groups for version in group.versions}
    assert forms == {"labour", "any"}
    assert groups[0].label and all(group.versions for group in groups)
    assert sum(len(g.versions) for g in indicator_catalogue(forms=["unknown"])) == 96
    assert "Geen enkel signaal is op zichzelf bewijs" in str(NOT_CONCLUSIVE)


def test_new_wording_applies_to_new_signals_while_old_signals_keep_theirs(demo):
    admin, coordinator = _actor(demo, Role.FUNCTIONAL_ADMIN), _actor(demo, Role.CARE_COORDINATOR)
    indicator = Indicator.objects.get(code="ILO-07")
    old_wording = indicator.versions.get().text_nl
    before = _register(coordinator, ["ILO-07"])

    indicator_revise(actor=admin, indicator=indicator, text_nl="Paspoort of ID-bewijs wordt door een ander bewaard",
                     text_en="Passport or ID kept by someone else", expected_version=indicator.version)
    after = _register(coordinator, ["ILO-07"])

    assert before.indicators.get().text_nl == old_wording
    assert after.indicators.get().text_nl == "Paspoort of ID-bewijs wordt door een ander bewaard"
    assert AuditEvent.objects.filter(object_type="intake.indicator", object_id=str(indicator.pk),
                                     action="update", purpose="administration").count() == 1
    # Loading the committed file again keeps the administrator's wording.
    assert load_indicators().revised == 0
    assert indicator.versions.get(valid_until__isnull=True).text_nl.startswith("Paspoort of ID-bewijs")


def test_changed_wording_in_the_file_becomes_a_new_version_while_the_current_one_came_from_the_file(demo):
    version = IndicatorVersion.objects.get(indicator__code="SEX-01")
    IndicatorVersion.objects.filter(pk=version.pk).update(text_nl="Een oudere formulering")
    assert load_indicators().revised == 1
    versions = list(IndicatorVersion.objects.filter(indicator__code="SEX-01").order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].text_nl == "Een oudere formulering" and versions[0].valid_until is not None
    assert versions[1].text_nl == version.text_nl and versions[1].valid_until is None


def test_a_retired_indicator_cannot_be_chosen_and_its_code_is_never_given_out_again(demo):
    admin = _actor(demo, Role.FUNCTIONAL_ADMIN)
    last = Indicator.objects.filter(code__startswith="LAB-").order_by("-code").first()
    _register(_actor(demo, Role.CARE_COORDINATOR), [last.code])  # this process now remembers the catalogue
    indicator_retire(actor=admin, indicator=last, expected_version=last.version)
    with pytest.raises(InvalidSignal) as refused:
        _register(_actor(demo, Role.CARE_COORDINATOR), [last.code])
    assert "vervallen indicator" in str(refused.value.message)

    created = indicator_create(actor=admin, form="labour", theme="housing", kind="soft",
                               text_nl="Woont op het terrein van de werkgever", text_en="Lives on the employer's site")
    assert created.code == f"LAB-{int(last.code.split('-')[1]) + 1:02d}"
    load_indicators()
    assert not Indicator.objects.get(pk=last.pk).is_active


@pytest.mark.parametrize("role", [Role.CARE_COORDINATOR, Role.TABLE_CHAIR, Role.PRIVACY_OFFICER])
def test_only_a_national_functional_administrator_changes_the_catalogue(demo, role):
    indicator = Indicator.objects.get(code="ILO-01")
    with pytest.raises(PermissionDenied):
        indicator_revise(actor=_actor(demo, role), indicator=indicator, text_nl="Anders", text_en="Other",
                         expected_version=indicator.version)
    assert indicator.versions.count() == 1


def test_two_administrators_rewording_at_once_do_not_overwrite_each_other(demo):
    admin = _actor(demo, Role.FUNCTIONAL_ADMIN)
    indicator = Indicator.objects.get(code="ILO-02")
    seen = indicator.version
    indicator_revise(actor=admin, indicator=indicator, text_nl="Eerste", text_en="First", expected_version=seen)
    stale = Indicator.objects.get(pk=indicator.pk)
    stale.version = seen
    with pytest.raises(ConcurrentUpdate):
        indicator_revise(actor=admin, indicator=stale, text_nl="Tweede", text_en="Second", expected_version=seen)
    assert indicator.versions.get(valid_until__isnull=True).text_nl == "Eerste"


@pytest.mark.parametrize(("text_nl", "text_en", "message"), [
    ("", "Something", "Nederlandse tekst"),
    ("Iets", "  ", "Engelse tekst"),
    ("x" * 301, "y", "hoogstens 300 tekens"),
])
def test_bad_wording_is_refused_in_dutch(demo, text_nl, text_en, message):
    indicator = Indicator.objects.get(code="ILO-03")
    with pytest.raises(ValidationFailed) as refused:
        indicator_revise(actor=_actor(demo, Role.FUNCTIONAL_ADMIN), indicator=indicator, text_nl=text_nl,
                         text_en=text_en, expected_version=indicator.version)
    assert message in str(refused.value.message)
    assert indicator.versions.count() == 1


def test_another_process_s_change_is_seen_within_a_minute_and_a_new_indicator_at_once(demo, monkeypatch):
    coordinator = _actor(demo, Role.CARE_COORDINATOR)
    clock = [1000.0]
    monkeypatch.setattr(memo, "_seconds", lambda: clock[0])
    _register(coordinator, ["ILO-07"])  # this process now remembers the catalogue
    # An administrator's change served by another process: this one is not told.
    Indicator.objects.filter(code="ILO-07").update(is_active=False)
    clock[0] += 59
    assert _register(coordinator, ["ILO-07"]).indicators.get().indicator.code == "ILO-07"
    clock[0] += 2
    with pytest.raises(InvalidSignal):
        _register(coordinator, ["ILO-07"])

    added = Indicator.objects.create(code="LAB-90", form="labour", theme="housing", kind="soft")
    IndicatorVersion.objects.create(indicator=added, number=1, text_nl="Een nieuwe indicator", text_en="A new one")
    # A code this process does not know makes it read the catalogue again, whatever the clock says.
    assert _register(coordinator, ["LAB-90"]).indicators.get().indicator == added
