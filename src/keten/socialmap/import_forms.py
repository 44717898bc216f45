"""Forms of the social-map import: the upload."""

from django import forms
from django.utils.translation import gettext_lazy as _

from keten.socialmap.importing import MAX_UPLOAD_BYTES


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Bestand"),
        help_text=_("Het ingevulde sjabloon (.xlsx) of een HSDS-datapakket (.zip), ten hoogste {size} MB.").format(
            size=MAX_UPLOAD_BYTES // (1024 * 1024)),
        error_messages={"required": _("Kies een bestand."), "empty": _("Het bestand is leeg.")},
        widget=forms.FileInput(attrs={"accept": ".xlsx,.zip"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Refused before it is read into memory: the limit protects the server as well as the worker.
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Het bestand is groter dan {size} MB. Splits het in kleinere "
                                          "bestanden.").format(size=MAX_UPLOAD_BYTES // (1024 * 1024)))
        return upload
