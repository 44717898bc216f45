"""Settings for the test run: production settings, with a throwaway secret and plain http for the client."""

import os
import secrets
import tempfile

# Tests exercise the production configuration, not the developer's: development mode stays off.
os.environ["KETEN_DEV"] = "0"
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
os.environ["KETEN_SSL_REDIRECT"] = "0"

from keten.settings import *  # noqa: E402,F403

# A fast hasher: the suite logs in hundreds of times; real hashing is tested where it matters.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Logins and resets are answered at once here; tests/security/test_sessions.py sets the fixed time where it is tested.
KETEN_ACCOUNT_ANSWER_SECONDS = 0
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Attachments of the test run go to a throwaway directory.
    "attachments": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": tempfile.mkdtemp(prefix="keten-attachments-")}},
}
WHITENOISE_AUTOREFRESH = True
# Background tasks run at once, inside the request that enqueues them; tests/socialmap/test_spreadsheet_import.py
# runs one import through the real database backend and its worker.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
