"""Refusing a hostile request body before any view reads it: too large (413), or a form not in UTF-8 (400), each
with a Dutch explanation — a page for people, JSON for the API."""

from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
#: What Django's multipart parser puts in place of bytes that are not UTF-8 (it decodes with errors="replace").
REPLACEMENT = "\ufffd"


def _refusal(request, message: str, status: int):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    return HttpResponse(render_to_string("web/refused_request.html", {"message": message, "status": status}),
                        status=status)


def _not_utf8_message() -> str:
    return _("Wat u verstuurde bevat tekens die geen geldige UTF-8 zijn. Er is niets opgeslagen. Typ de tekst "
             "opnieuw of plak hem als platte tekst.")


def _is_utf8_form(body: bytes) -> bool:
    try:
        unquote_to_bytes(body.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class RequestBodyMiddleware:
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE that carries no files is refused by its announced length, unread.
    Uploads (multipart) are left to Django's streaming parser and the upload checks, which name the file; their
    text fields are checked for UTF-8 once parsed (process_view)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            if limit is not None and length > limit and content_type != "multipart/form-data":
                return _refusal(request, _("Wat u verstuurde is te groot: hoogstens {mb} MB. Er is niets opgeslagen.")
                                .format(mb=round(limit / (1024 * 1024), 1)), 413)
            if content_type == FORM and not _is_utf8_form(request.body):
                # Django would quietly put replacement characters in; better to say the text did not arrive whole.
                return _refusal(request, _not_utf8_message(), 400)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        """The text fields of a multipart form (an upload), checked just before the view: the body streams past
        once, so only what Django parsed from it can be checked (the CSRF check parses it here too, so this adds
        no parsing). File contents are bytes and are not looked at."""
        if request.method != "POST" or request.content_type != MULTIPART:
            return None
        # Django decodes each field with errors="replace": a replacement character is where a byte was not UTF-8.
        # One typed on purpose is refused too; it marks text that was already broken where it was copied from.
        if any(REPLACEMENT in name or any(REPLACEMENT in value for value in values)
               for name, values in request.POST.lists()):
            return _refusal(request, _not_utf8_message(), 400)
        return None
