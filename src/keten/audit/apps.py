"""App configuration of the audit app: connects the login receivers and the write and read seams of
core.events."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "keten.audit"
    label = "audit"
    verbose_name = _("Auditspoor")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from keten.audit import receivers
        from keten.audit.services import record
        from keten.core.events import register_read_recorder, register_write_recorder

        user_logged_in.connect(receivers.on_user_logged_in, dispatch_uid="keten.audit.login")
        user_login_failed.connect(receivers.on_user_login_failed, dispatch_uid="keten.audit.login_failed")
        register_write_recorder(record)
        register_read_recorder(record)
