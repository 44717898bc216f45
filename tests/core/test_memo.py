"""keten.core.memo: reference data a process remembers for a while, and forgets when it changes."""

import pytest
from django.db import transaction

from keten.core import memo
from keten.core.memo import Memo, forget_all


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(memo, "_seconds", lambda: now[0])
    return now


def _loader(values):
    """A load function that hands out `values` one by one and counts its calls."""
    calls = []

    def load():
        calls.append(1)
        return values[len(calls) - 1]

    return load, calls


def test_a_value_is_loaded_once_and_again_when_it_is_older_than_its_seconds(clock):
    remembered = Memo(seconds=60)
    load, calls = _loader(["first", "second"])
    assert [remembered.get("key", load) for _ in range(3)] == ["first"] * 3
    clock[0] += 60
    assert remembered.get("key", load) == "first"
    clock[0] += 1
    assert remembered.get("key", load) == "second" and len(calls) == 2


def test_what_was_not_found_is_not_remembered_and_fresh_reads_again(clock):
    remembered = Memo(seconds=60)
    load, calls = _loader([None, "added", "changed"])
    assert remembered.get("key", load) is None
    assert remembered.get("key", load) == "added"  # found as soon as it exists
    assert remembered.get("key", load, fresh=True) == "changed" and len(calls) == 3


@pytest.mark.django_db(transaction=True)
def test_forgetting_inside_a_transaction_also_forgets_what_was_loaded_before_it_committed(clock):
    remembered = Memo(seconds=60)
    load, calls = _loader(["old", "old, loaded by another thread before the commit", "new"])
    remembered.get("key", load)
    with transaction.atomic():
        remembered.forget()
        assert remembered.get("key", load) == "old, loaded by another thread before the commit"
    assert remembered.get("key", load) == "new" and len(calls) == 3


def test_forget_all_empties_every_memo(clock):
    first, second = Memo(seconds=60), Memo(seconds=60)
    first.get("key", lambda: "a")
    second.get("key", lambda: "b")
    forget_all()
    assert (first.get("key", lambda: "c"), second.get("key", lambda: "d")) == ("c", "d")
