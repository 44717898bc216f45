"""What the audit models promise: every field classified, and every field but the hash sealed by it."""

from datetime import datetime, timedelta, timezone

import pytest

from keten.audit.chain import HASHED_FIELDS, canonical_json
from keten.audit.models import AuditChain, AuditEvent
from keten.core.privacy import DataCategory


@pytest.mark.parametrize("model", [AuditEvent, AuditChain])
def test_every_field_has_a_data_category(model):
    names = {field.name for field in model._meta.concrete_fields}
    assert set(model.privacy_categories) == names
    assert all(isinstance(category, DataCategory) for category in model.privacy_categories.values())


def test_the_client_address_counts_as_identifying():
    assert AuditEvent.privacy_categories["client_address"] == DataCategory.IDENTITY


def test_the_hash_seals_every_field_but_itself():
    names = {field.name for field in AuditEvent._meta.concrete_fields}
    assert set(HASHED_FIELDS) == names - {"hash"}


def test_canonical_json_is_sorted_compact_and_utc():
    values = dict.fromkeys(HASHED_FIELDS, "")
    values.update(seq=3, partition=1, actor=None,
                  occurred_at=datetime(2025, 3, 1, 13, 0, tzinfo=timezone(timedelta(hours=1))))
    text = canonical_json(values).decode()
    assert '"occurred_at":"2025-03-01T12:00:00.000000Z"' in text
    assert " " not in text
    assert text.index('"action"') < text.index('"actor"') < text.index('"seq"')
