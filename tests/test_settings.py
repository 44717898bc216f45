"""The settings are secure by default: no secret in the repository, strict headers, cookies and sessions."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

PROJECT_DIR = Path(__file__).resolve().parent.parent


def _python(code: str, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SECRET_KEY", "KETEN_DEV")}
    clean.update(DJANGO_SETTINGS_MODULE="keten.settings", **env)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=clean,
                          cwd=PROJECT_DIR, timeout=60)


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _python("import django; django.setup()", KETEN_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_development_generates_its_secret_into_var_once(tmp_path):
    code = "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)"
    first = _python(code, KETEN_DEV="1", KETEN_VAR_DIR=str(tmp_path))
    second = _python(code, KETEN_DEV="1", KETEN_VAR_DIR=str(tmp_path))
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout and len(first.stdout.strip()) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_production_defaults_are_strict():
    assert settings.DEBUG is False
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    assert settings.SECURE_HSTS_SECONDS >= 31536000
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.KETEN_SESSION_ABSOLUTE_LIMIT.total_seconds() == 12 * 3600


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_unsafe_inline():
    response = Client().get("/", secure=True)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["X-Content-Type-Options"] == "nosniff"
