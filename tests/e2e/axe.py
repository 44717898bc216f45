"""Check the page a browser test is on against WCAG 2.2 AA with axe-core, and fail listing every violation."""

from axe_playwright_python.sync_playwright import Axe

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

_axe = Axe()


def axe_violations(page) -> list[dict]:
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    return _axe.run(page, options=options).response["violations"]


def describe(violation: dict) -> str:
    targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"])
    return f"- {violation['id']} ({violation.get('impact')}): {violation['help']} -> {targets}"


def assert_accessible(page) -> None:
    """Fail when axe finds a WCAG 2.0/2.1/2.2 A or AA violation on the page as it is now.

    axe runs inside the page: the browser context needs JavaScript enabled (with it off, axe never returns).
    """
    violations = axe_violations(page)
    if violations:
        report = "\n".join(describe(violation) for violation in violations)
        raise AssertionError(f"axe found {len(violations)} WCAG violation(s) on {page.url}:\n{report}")
