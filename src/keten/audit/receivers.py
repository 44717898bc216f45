"""Audit events for logging in and failed attempts, from Django's authentication signals."""

from keten.audit.models import AuditAction
from keten.audit.services import record


def on_user_logged_in(sender, request, user, **kwargs):
    # No membership is active yet at login: the user alone, without organisation or role.
    record(actor=None, user=user, action=AuditAction.LOGIN)


def on_user_login_failed(sender, credentials, request=None, **kwargs):
    # Neither actor nor the attempted e-mail address: a mistyped address may well be someone else's.
    record(actor=None, action=AuditAction.LOGIN_FAILED)
