"""Answers whose timing must not tell whether an account exists."""

import time
from functools import wraps

from django.conf import settings


def answered_after_a_fixed_time(view):
    """A POST to `view` is answered no sooner than settings.KETEN_ACCOUNT_ANSWER_SECONDS after it arrived.

    For the login and the password reset. The reset writes an e-mail to a known address (a link with a token) and
    another to an unknown one; a wrong password for a known address is checked against its hash, for an unknown one
    against a dummy. Each pair differs in work by a fraction of a millisecond, enough to tell them apart over a
    thousand tries (bench/bench_enumeration.py). Waiting out a fixed time hides that, and the e-mail server's
    latency, as long as the work stays within it."""

    @wraps(view)
    def padded(request, *args, **kwargs):
        started = time.monotonic()
        response = view(request, *args, **kwargs)
        if request.method == "POST":
            remaining = settings.KETEN_ACCOUNT_ANSWER_SECONDS - (time.monotonic() - started)
            if remaining > 0:
                time.sleep(remaining)
        return response

    return padded
