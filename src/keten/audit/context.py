"""The request being served, for the audit log (request id, client address), held in a context variable."""

import ipaddress
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

_current_request: ContextVar = ContextVar("keten_current_request", default=None)


@contextmanager
def bind_request(request):
    token = _current_request.set(request)
    try:
        yield request
    finally:
        _current_request.reset(token)


def current_request():
    """The request this code runs for, or None (management commands, background tasks)."""
    return _current_request.get()


def request_id_of(request) -> str:
    return getattr(request, "request_id", "") if request is not None else ""


def client_address_of(request) -> str:
    """The address the request came from, normalised; "" when unknown or not an address.

    X-Forwarded-For is anyone's to write, so it counts only behind a proxy (SECURE_PROXY_SSL_HEADER set),
    and then only its right-most entry: the one our own proxy appended."""
    if request is None:
        return ""
    address = request.META.get("REMOTE_ADDR", "")
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            address = forwarded.split(",")[-1]
    return normalise_address(address)


def normalise_address(address: str) -> str:
    try:
        parsed = ipaddress.ip_address(address.strip())
    except ValueError:
        return ""
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped:
        parsed = parsed.ipv4_mapped
    return parsed.compressed
