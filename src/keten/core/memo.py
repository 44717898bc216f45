"""Reference data a process remembers for a while: what every request reads and almost nothing changes (the
municipalities, the indicator catalogue). Personal data is never remembered here.

A change made by this process is seen at once (its service calls `forget`); one made by another process is seen
when the remembered value is older than `seconds`. Nothing that was not found is remembered, so what is added
is found at once everywhere."""

import time
import weakref
from collections.abc import Callable, Hashable
from typing import Any

from django.db import transaction

_ALL: "weakref.WeakSet[Memo]" = weakref.WeakSet()


def _seconds() -> float:
    return time.monotonic()


class Memo:
    """Values by key, each kept for `seconds` after it was loaded. Threads of one process share it; two that miss
    at once both load, and the later one is kept."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._values: dict[Hashable, tuple[float, Any]] = {}
        _ALL.add(self)

    def get(self, key: Hashable, load: Callable[[], Any], *, fresh: bool = False) -> Any:
        """The value remembered under `key`, or `load()` when there is none (or it is too old, or `fresh`). A
        `load()` of None is returned but not remembered."""
        found = None if fresh else self._values.get(key)
        if found is not None and _seconds() - found[0] <= self.seconds:
            return found[1]
        value = load()
        if value is not None:
            self._values[key] = (_seconds(), value)
        return value

    def forget(self) -> None:
        """Drop everything now, and again when the current transaction commits: a value another thread loads
        before that commit is the old one."""
        self._values.clear()
        transaction.on_commit(self._values.clear)


def forget_all() -> None:
    """Every memo of the process empty (a test starts without what an earlier, rolled-back test loaded)."""
    for memo in list(_ALL):
        memo._values.clear()
