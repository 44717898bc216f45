"""Steps that several browser tests take, done as a person does them."""

from playwright.sync_api import expect

from tests.e2e.axe import assert_accessible


def log_in(page, person) -> None:
    """E-mail address and password, then the code from the authenticator app; both pages checked by axe."""
    page.goto("/accounts/login/")
    assert_accessible(page)
    page.get_by_label("E-mailadres").fill(person.email)
    page.get_by_label("Wachtwoord", exact=True).fill(person.password)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Code uit uw authenticator-app")
    assert_accessible(page)
    page.get_by_label("Code").fill(person.current_code())
    page.get_by_role("button", name="Inloggen").click()
