"""The hash that seals an audit event: SHA-256 over the previous hash and the event's canonical JSON."""

import hashlib
import json
from datetime import UTC, datetime

#: The fields sealed by the hash (version 1), by model field name; foreign keys as their id. Listed, not
#: derived from the model, so that adding a field cannot silently change how existing events hash: a new
#: field needs a new version of this list (tests/audit checks that every field but `hash` is here).
HASHED_FIELDS = (
    "id",
    "partition",
    "seq",
    "occurred_at",
    "actor",
    "organisation",
    "role",
    "on_behalf_of",
    "action",
    "object_type",
    "object_id",
    "purpose",
    "basis",
    "decision",
    "request_id",
    "client_address",
    "prev_hash",
)


def _canonical_value(value):
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return str(value)  # UUIDs, strings and str-based enums alike


def canonical_json(values: dict) -> bytes:
    """The event as JSON with sorted keys, no whitespace, UTC timestamps: the same bytes on every database."""
    payload = {name: _canonical_value(values[name]) for name in HASHED_FIELDS}
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def event_hash(values: dict) -> str:
    """SHA-256(prev_hash ‖ canonical JSON), hex; `values` maps every name in HASHED_FIELDS to its value."""
    return hashlib.sha256(values["prev_hash"].encode("ascii") + canonical_json(values)).hexdigest()
