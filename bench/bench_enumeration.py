"""Whether login and password reset give away which addresses have an account through their timing: each is asked
BENCH_SAMPLES times (default 1,000) for a known and for an unknown address, interleaved, and the difference of the
means is set against its standard error. Run: `.venv/bin/python bench/bench_enumeration.py` (about 35 minutes at
1,000 samples: both are answered after a fixed half second, settings.KETEN_ACCOUNT_ANSWER_SECONDS).
BENCH_CASES=reset (or login) measures one of the two.

Runs on a fresh SQLite database in a temporary directory, in production settings (real password hasher), with
Django's test client. Lockout (axes) and allauth's rate limits are reset or off here, so that every sample takes
the same path a first attempt takes; the lockout's own sameness is tested in tests/accounts/test_login.py."""

import logging
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

SAMPLES = int(os.environ.get("BENCH_SAMPLES", "1000"))
#: Below this many standard errors the difference is noise (a two-sided test at about 95%).
NOISE = 2.0


def _setup() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    scratch = Path(tempfile.mkdtemp(prefix="keten-bench-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="keten.settings",
        KETEN_VAR_DIR=str(scratch / "var"),
        KETEN_STATIC_ROOT=str(scratch / "static"),
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        KETEN_SSL_REDIRECT="0",
        KETEN_ALLOWED_HOSTS="testserver",
        KETEN_LOG_LEVEL="WARNING",
        KETEN_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    os.environ.pop("KETEN_DEV", None)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ACCOUNT_RATE_LIMITS = False
    logging.getLogger("axes").setLevel(logging.ERROR)  # one warning per failed login would drown the figures
    settings.STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
    for command in ("migrate", "createcachetable"):
        call_command(command, verbosity=0)


def _measure(known, unknown) -> tuple[list[float], list[float]]:
    """Interleaved (known, unknown, known, ...): a slow spell of the machine hits both alike."""
    for _ in range(5):  # warm caches, connections and templates
        known()
        unknown()
    times = ([], [])
    for index in range(SAMPLES * 2):
        call = (known, unknown)[index % 2]
        start = time.perf_counter()
        call()
        times[index % 2].append(time.perf_counter() - start)
    return times


def _report(name: str, known: list[float], unknown: list[float]) -> float:
    mean_k, mean_u = statistics.fmean(known), statistics.fmean(unknown)
    sd_k, sd_u = statistics.stdev(known), statistics.stdev(unknown)
    standard_error = (sd_k ** 2 / len(known) + sd_u ** 2 / len(unknown)) ** 0.5
    ratio = abs(mean_k - mean_u) / standard_error if standard_error else 0.0
    print(f"{name}: n={len(known)} per case")
    print(f"  known address   mean {mean_k * 1e3:8.2f} ms  stdev {sd_k * 1e3:7.2f} ms")
    print(f"  unknown address mean {mean_u * 1e3:8.2f} ms  stdev {sd_u * 1e3:7.2f} ms")
    verdict = "below the noise" if ratio < NOISE else "ABOVE the noise"
    print(f"  difference {(mean_k - mean_u) * 1e3:+.2f} ms = {ratio:.2f} standard errors ({verdict}, "
          f"threshold {NOISE})")
    return ratio


def main() -> int:
    _setup()
    from axes.utils import reset as reset_lockout
    from django.core import mail
    from django.test import Client

    from keten.accounts.models import User

    known_email = "bench-known@example.invalid"
    User.objects.create_user(email=known_email, password=secrets.token_urlsafe(16), full_name="Demo Bench")
    unknown_email = "bench-unknown@example.invalid"

    def login(email):
        def call():
            response = Client().post("/accounts/login/", {"login": email, "password": "wrong-password-123"})
            assert response.status_code == 200, response.status_code
            reset_lockout()  # inside the timing for both alike; keeps every attempt a first failure
        return call

    def reset(email):
        def call():
            response = Client().post("/accounts/password/reset/", {"email": email})
            assert response.status_code == 302, response.status_code
            mail.outbox.clear()
        return call

    cases = {"login": ("login (wrong password)", login), "reset": ("password reset", reset)}
    chosen = os.environ.get("BENCH_CASES", "login,reset").split(",")
    ratios = [_report(cases[case][0], *_measure(cases[case][1](known_email), cases[case][1](unknown_email)))
              for case in chosen]
    return 0 if all(ratio < NOISE for ratio in ratios) else 1


if __name__ == "__main__":
    sys.exit(main())
