"""Helpers for tests that pass the re-authentication gate (keten.accounts.reauth) the way a user would."""

import time

from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY


def reauthenticated(client, *, seconds_ago: float = 0):
    """Mark the client's session as having given the password `seconds_ago` (as allauth records a login or a
    re-authentication); returns the client."""
    session = client.session
    user_id = session["_auth_user_id"]
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [{"method": "password", "at": time.time() - seconds_ago,
                                                    "reauthenticated": True}]
    session["account_authentication_methods_user"] = str(user_id)
    session.save()
    return client
