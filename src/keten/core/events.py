"""A seam through which apps below the audit log (accounts, regions) record their writes and their reads of
personal data without importing it: the audit app registers itself here when Django starts (DESIGN.md: "pass a
function in")."""

from collections.abc import Callable

#: The actions a read may record (keten.audit.models.AuditAction holds the same codes).
READ_ACTIONS = frozenset({"read", "search", "export"})

_recorders: list[Callable[..., object]] = []
_read_recorders: list[Callable[..., object]] = []


def register_write_recorder(recorder: Callable[..., object]) -> None:
    if recorder not in _recorders:
        _recorders.append(recorder)


def register_read_recorder(recorder: Callable[..., object]) -> None:
    if recorder not in _read_recorders:
        _read_recorders.append(recorder)


def record_write(*, actor, action: str, target, purpose: str = "") -> None:
    """Record one write by `actor` on `target`, in the caller's transaction; a failure fails the write."""
    for recorder in _recorders:
        recorder(actor=actor, action=action, target=target, purpose=purpose)


def record_read(*, actor, action: str, target=None, object_type: str = "", purpose: str = "") -> None:
    """Record one read of personal data by `actor`: of `target`, or for a list (action "search") of the kind
    `object_type` ("app_label.model_name"). A failure fails the read, so nothing is shown unrecorded."""
    if action not in READ_ACTIONS:
        # A write through this door would be recorded without the write's own checks; say so at once.
        raise ValueError(f"record_read records reads only, not {action!r}.")
    for recorder in _read_recorders:
        recorder(actor=actor, action=action, target=target, object_type=object_type, purpose=purpose)
