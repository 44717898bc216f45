"""A seam through which apps below the audit log (accounts, regions) record their writes without importing
it: the audit app registers itself here when Django starts (DESIGN.md: "pass a function in")."""

from collections.abc import Callable

_recorders: list[Callable[..., object]] = []


def register_write_recorder(recorder: Callable[..., object]) -> None:
    if recorder not in _recorders:
        _recorders.append(recorder)


def record_write(*, actor, action: str, target, purpose: str = "") -> None:
    """Record one write by `actor` on `target`, in the caller's transaction; a failure fails the write."""
    for recorder in _recorders:
        recorder(actor=actor, action=action, target=target, purpose=purpose)
