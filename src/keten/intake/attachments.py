"""Checking an uploaded attachment before anything is stored: its size, and that it is what it says — a PDF, or a
PNG or JPEG image that Pillow can read — judged by its content, never by its name or the browser's word."""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from keten.core.errors import ValidationFailed

#: The kinds we accept, by their first bytes; the content type we store and send is ours, not the upload's.
SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}
PILLOW_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}
#: A name may end in the extension of its kind. One that claims another kind we accept, or content a browser or
#: computer would run, is refused: the name travels with the download and decides what opens it.
EXTENSIONS = {"application/pdf": {"pdf"}, "image/png": {"png"}, "image/jpeg": {"jpg", "jpeg", "jpe", "jfif"}}
ACTIVE_EXTENSIONS = {"htm", "html", "xhtml", "shtml", "svg", "svgz", "xml", "js", "mjs", "hta", "exe", "com", "scr",
                     "bat", "cmd", "ps1", "vbs", "sh", "jar", "msi", "lnk", "docm", "xlsm", "pptm"}
MAX_ATTACHMENTS = 10
MAX_NAME_CHARS = 200


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    size: int
    sha256: str


def max_bytes() -> int:
    return settings.KETEN_ATTACHMENT_MAX_BYTES


def _sniffed_type(head: bytes) -> str | None:
    return next((kind for signature, kind in SIGNATURES.items() if head.startswith(signature)), None)


def _is_readable_image(upload, fmt: str) -> bool:
    upload.seek(0)
    try:
        with Image.open(upload, formats=[fmt]) as image:
            image.verify()  # reads the whole structure without decoding pixels; refuses a truncated or forged file
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return False
    return True


def _is_complete_pdf(upload, size: int) -> bool:
    upload.seek(max(0, size - 1024))
    return b"%%EOF" in upload.read()


def _clean_name(name: str) -> str:
    """The name as the user knows it, without a path and without control characters, for the download only."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip() or _("bijlage")
    return name[-MAX_NAME_CHARS:]


def _claimed_extension(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    return extension.lower() if dot and stem and extension.isalnum() and len(extension) <= 5 else ""


def _name_lies(name: str, kind: str) -> bool:
    claimed = _claimed_extension(name)
    known = set().union(*EXTENSIONS.values()) | ACTIVE_EXTENSIONS
    return claimed in known and claimed not in EXTENSIONS[kind]


def check_upload(upload) -> CheckedFile:
    """The checked facts of an uploaded file, or ValidationFailed with the reason in Dutch."""
    limit = max_bytes()
    if upload.size == 0:
        raise ValidationFailed(_("Het bestand {name} is leeg.").format(name=_clean_name(upload.name)))
    if upload.size > limit:
        raise ValidationFailed(_("Het bestand {name} is te groot: hoogstens {mb} MB.").format(
            name=_clean_name(upload.name), mb=limit // (1024 * 1024)))
    upload.seek(0)
    kind = _sniffed_type(upload.read(16))
    readable = (kind == "application/pdf" and _is_complete_pdf(upload, upload.size)
                or kind in PILLOW_FORMATS and _is_readable_image(upload, PILLOW_FORMATS[kind]))
    if not readable:
        raise ValidationFailed(_("Het bestand {name} is geen PDF, PNG- of JPEG-bestand (of het is beschadigd). "
                                 "Alleen die soorten kunt u toevoegen.").format(name=_clean_name(upload.name)))
    if _name_lies(_clean_name(upload.name), kind):
        what = {"application/pdf": _("een PDF"), "image/png": _("een PNG-afbeelding"),
                "image/jpeg": _("een JPEG-afbeelding")}[kind]
        raise ValidationFailed(_("De naam van het bestand {name} past niet bij wat erin zit: het is {what}. Geef "
                                 "het de juiste extensie en voeg het opnieuw toe.").format(
                                     name=_clean_name(upload.name), what=what))
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(_clean_name(upload.name), kind, upload.size, digest.hexdigest())
