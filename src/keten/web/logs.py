"""Production logs as one JSON object a line, with the request id and without personal data.

Used by settings.LOGGING outside development and by deploy/gunicorn.conf.py for gunicorn's own logs.
"""

import logging
import traceback
from datetime import UTC, datetime

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter


def _message_is_safe(error: BaseException) -> bool:
    """Exceptions whose message tells about the machine, not about a person, keep it in the log. Every other one is
    logged by its type and stack only: its message may quote data (a database error quotes the duplicate value, a
    validation error the input)."""
    from django.core.exceptions import ImproperlyConfigured

    return isinstance(error, OSError | TimeoutError | MemoryError | ImportError | ImproperlyConfigured)


class RequestIdFilter(logging.Filter):
    """Adds `request_id`: the id of the request being served (keten.audit.middleware), "" outside a request.
    The same id is in the X-Request-ID response header, gunicorn's access log and the audit events."""

    def filter(self, record: logging.LogRecord) -> bool:
        from keten.audit.context import current_request, request_id_of

        # Django logs a 4xx/5xx answer after the middlewares are done, handing the request along instead.
        request = getattr(record, "request", None) or current_request()
        record.request_id = request_id_of(request)
        return True


class KetenJsonFormatter(JsonFormatter):
    """time (ISO 8601, UTC), level, logger, message, request_id, the record's extra fields, and for an exception its
    type and stack without its message. Never the request object Django attaches: its text holds the query string."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"})
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request"])
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(*args, **kwargs)

    def formatTime(self, record, datefmt=None) -> str:  # noqa: N802 - logging's name
        return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")

    def formatException(self, ei) -> str:  # noqa: N802 - logging's name
        _type, error, tb = ei
        if error is None or _message_is_safe(error):
            return super().formatException(ei)
        frames = "".join(traceback.format_tb(tb))
        return f"Traceback (most recent call last):\n{frames}{type(error).__module__}.{type(error).__qualname__}" \
               " (message withheld: it may quote personal data)"


class AccessJsonFormatter(KetenJsonFormatter):
    """gunicorn's access log: gunicorn hands its atoms (a dict) as the record's args; only these are kept. Not the
    query string (a search holds what was searched), the client address or the user agent."""

    ATOMS = {"m": "method", "U": "path", "s": "status", "B": "bytes", "M": "duration_ms",
             "{x-request-id}o": "request_id"}

    def add_fields(self, log_data, record, message_dict) -> None:
        super().add_fields(log_data, record, message_dict)
        atoms = record.args if isinstance(record.args, dict) else {}
        for atom, field in self.ATOMS.items():
            value = atoms.get(atom, "-")
            if field in ("status", "bytes", "duration_ms"):
                try:
                    value = int(value)
                except (TypeError, ValueError):
                    value = None
            log_data[field] = None if value == "-" else value
