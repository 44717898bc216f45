"""The legal bases an outcome names, read from the register in keten.policy.bases, for display."""

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class BasisView:
    code: str
    citation: str | Promise
    explanation: str | Promise


def bases_for(codes: tuple[str, ...]) -> list[BasisView]:
    """The citation and explanation of each code; a code the register lacks is shown as itself, so a missing
    entry is visible on the page instead of breaking it (tests/policy/test_guide.py catches it first)."""
    try:
        from keten.policy.bases import LEGAL_BASES
    except ImportError:
        LEGAL_BASES = {}
    views = []
    for code in codes:
        basis = LEGAL_BASES.get(code)
        if basis is None:
            views.append(BasisView(code=code, citation=code, explanation=""))
        else:
            views.append(BasisView(code=code, citation=basis.citation, explanation=basis.explanation))
    return views
