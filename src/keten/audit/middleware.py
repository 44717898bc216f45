"""Give every request an id and make it reachable for the audit log without passing it down every call."""

import re
import uuid

from keten.audit.context import bind_request

#: An id from a proxy or client is kept only if it is short and harmless in logs and headers.
_ACCEPTABLE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def request_id_for(incoming: str) -> str:
    """The caller's X-Request-ID when it is well-formed (so logs across systems line up), else a fresh one."""
    if _ACCEPTABLE_REQUEST_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_for(request.headers.get("X-Request-ID", ""))
        with bind_request(request):
            response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response
