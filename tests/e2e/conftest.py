"""Browser test set-up: Debian's Chromium driven by Playwright against pytest-django's live server."""

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import totp_code

# Playwright's sync API keeps an asyncio loop running in this thread; Django would otherwise refuse the
# ORM calls of the fixtures and of pytest-django's own set-up (SETUP-NOTES trap 5).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
IN_CI = os.environ.get("CI", "").lower() == "true"
# The live server runs the test settings unchanged (production's, Secure cookies included): Chromium treats
# http://localhost as a secure context and keeps Secure cookies from it.
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"No Chromium at {CHROMIUM}: install Debian's chromium: apt-get install -y chromium"
        if IN_CI:
            pytest.fail(message + " (required in CI)", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def artifacts() -> Path:
    """Where screenshots go: var/test-artifacts/ at the repository root (never committed)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def _problem_of_response(response) -> str | None:
    """A page may answer 403 or 404 on purpose; its stylesheets, scripts and icons may not fail at all."""
    is_page = response.request.resource_type == "document"
    if response.status >= 500 or (response.status >= 400 and not is_page):
        return f"HTTP {response.status}: {response.url}"
    return None


def _problem_of_console(message) -> str | None:
    # "Failed to load resource" repeats what the response check already judged; CSP reports and script
    # errors arrive only here.
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        return f"console error: {message.text}"
    return None


@pytest.fixture
def open_page(browser, live_server):
    """`open_page(**context_options)`: a fresh Dutch-speaking browser tab on the live server, in its own
    context (cookies). The test fails on any Content Security Policy violation, script error, failed
    stylesheet/script/image, or server error in any tab it opened."""
    contexts = []
    problems: list[str] = []

    def note(problem: str | None) -> None:
        if problem:
            problems.append(problem)

    def open_(**context_options):
        options = {"locale": "nl-NL", "viewport": {"width": 1280, "height": 900}, **context_options}
        context = browser.new_context(base_url=live_server.url, **options)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda message: note(_problem_of_console(message)))
        page.on("pageerror", lambda error: note(f"page error: {error}"))
        page.on("response", lambda response: note(_problem_of_response(response)))
        return page

    yield open_
    for context in contexts:
        context.close()
    assert not problems, "The browser reported problems:\n" + "\n".join(problems)


@pytest.fixture
def page(open_page):
    return open_page()


@dataclass(frozen=True)
class DemoPerson:
    email: str
    password: str
    totp_secret: str

    def current_code(self) -> str:
        """The code the person's authenticator app shows now (tests.conftest.totp_code)."""
        return totp_code(self.totp_secret)


@pytest.fixture
def demo_person(transactional_db, settings):
    """`demo_person(role)`: that role's account in the seeded demo world, in development mode as after
    `make run` (demo accounts cannot log in otherwise)."""
    from django.core.management import call_command

    from keten.demo.credentials import DemoCredentials
    from keten.demo.services import seed_demo

    settings.KETEN_DEV = True
    call_command("load_regions", verbosity=0)  # a transactional test starts from an empty database
    credentials = DemoCredentials.generate()
    memberships = {m.role: m for m in seed_demo(credentials=credentials)}

    def person(role: str) -> DemoPerson:
        return DemoPerson(email=memberships[role].user.email, password=credentials.password,
                          totp_secret=credentials.totp_secret)

    return person


@pytest.fixture
def demo_care_coordinator(demo_person) -> DemoPerson:
    return demo_person("care_coordinator")
