"""The public guide "Mag ik dit delen?": every path through the decision tree, the advice at its end, and the
pages an anonymous visitor sees on the way."""

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from keten.policy.guide import tree
from keten.policy.guide.tree import (
    START,
    TREE,
    InvalidPath,
    Outcome,
    Question,
    all_paths,
    follow,
    iter_nodes,
    walk,
)

try:
    from keten.policy.bases import LEGAL_BASES
except ImportError:  # the lead's register may not be merged yet
    LEGAL_BASES = None

DISCLAIMER = (
    "Dit is een hulpmiddel, geen juridisch advies. Twijfelt u? Overleg met uw privacyfunctionaris of "
    "aandachtsfunctionaris."
)
PATHS = all_paths()
QUESTIONS = list(iter_nodes(Question))
OUTCOMES = list(iter_nodes(Outcome))


def dotted(path) -> str:
    return ".".join(path)


# --- The tree as data -------------------------------------------------------------------------------------


def test_every_path_ends_in_an_outcome():
    assert len(PATHS) >= len(OUTCOMES)
    for path in PATHS:
        assert isinstance(walk(path), Outcome), dotted(path)


def test_every_outcome_is_reachable():
    reached = {walk(path).id for path in PATHS}
    assert reached == {outcome.id for outcome in OUTCOMES}


def test_no_question_is_unreachable():
    asked = {question.id for path in PATHS for question, _option in follow(path).trail}
    assert asked == {question.id for question in QUESTIONS}
    assert START in asked


def test_every_option_leads_to_a_node_and_the_tree_has_no_cycles():
    for question in QUESTIONS:
        for option in question.options:
            assert option.next in TREE, f"{question.id} -> {option.next}"
    # all_paths() raises on a cycle; that it did not (PATHS above) is the check, this proves it would.
    assert all(len(set(follow(path).trail)) == len(path) for path in PATHS)


def test_all_paths_detects_a_cycle(monkeypatch):
    loop = tree.Question(id="acute_danger", text="?", help="",
                         options=(tree.Option(label="again", next="acute_danger", key="again"),))
    monkeypatch.setitem(TREE, "acute_danger", loop)
    with pytest.raises(ValueError, match="cycle"):
        all_paths()


def test_all_paths_detects_an_option_that_leads_nowhere(monkeypatch):
    dangling = tree.Question(id="acute_danger", text="?", help="",
                             options=(tree.Option(label="nowhere", next="missing", key="x"),))
    monkeypatch.setitem(TREE, "acute_danger", dangling)
    with pytest.raises(ValueError, match="unknown node"):
        all_paths()


def test_option_keys_are_url_safe_and_unique_within_each_question():
    for question in QUESTIONS:
        keys = [option.key for option in question.options]
        assert len(keys) == len(set(keys)), question.id
        assert len(question.options) >= 2, question.id
        for key in keys:
            assert tree.KEY_PATTERN.match(key), f"{question.id}: {key!r}"


@pytest.mark.parametrize("outcome", OUTCOMES, ids=lambda outcome: outcome.id)
def test_every_outcome_has_advice_recipients_steps_and_a_legal_basis(outcome):
    assert str(outcome.title).strip()
    assert len(str(outcome.recommendation)) > 80
    assert outcome.share_with and all(str(recipient).strip() for recipient in outcome.share_with)
    assert outcome.steps and all(str(step).strip() for step in outcome.steps)
    assert outcome.basis_codes
    assert len(set(outcome.basis_codes)) == len(outcome.basis_codes)


@pytest.mark.xfail(LEGAL_BASES is None, reason="legal bases register not yet merged", strict=False)
def test_every_basis_code_in_the_tree_exists_in_the_register():
    used = {code for outcome in OUTCOMES for code in outcome.basis_codes}
    assert used - set(LEGAL_BASES) == set(), "codes the guide cites that keten.policy.bases does not define"


# The paths that matter most, spelled out: (path, expected outcome, why).
IMPORTANT_PATHS = [
    ("yes", "call_112", "acute danger: call 112, share without consent"),
    ("no.care.adult.no.no", "consult_anonymously",
     "doctor, adult, no consent, no serious danger: ask consent, discuss anonymously with the care coordinator"),
    ("no.care.adult.yes", "refer_with_consent", "doctor with consent: refer to the care coordinator"),
    ("no.care.adult.no.yes.no", "conflict_of_duties",
     "doctor, no consent, serious danger outside the home: weigh breaking professional secrecy"),
    ("no.care.adult.no.yes.yes", "meldcode_veilig_thuis",
     "doctor, no consent, serious danger from a (ex-)partner or relative: meldcode, Veilig Thuis"),
    ("no.investigation.victim", "comensha_duty", "police/KMar: duty to report a presumed victim to CoMensha"),
    ("no.investigation.suspects", "police_partnership", "police: share on suspects within a partnership (Wpg, WGS)"),
    ("no.youth.under_16.yes", "minor_parent_consent", "child under 16: the parent or guardian consents"),
    ("no.youth.under_16.no", "meldcode_veilig_thuis", "child under 16, asking the parent is unsafe: meldcode"),
    ("no.other.under_16.no", "meldcode_veilig_thuis", "school, child under 16, parent may be involved: meldcode"),
    ("no.youth.age_16_17.yes", "refer_with_consent", "from 16 the young person consents themself"),
    ("no.care.age_16_17.no", "meldcode_veilig_thuis",
     "16/17 without consent: meldcode (exploitation of a minor is child abuse)"),
    ("no.shelter.adult.yes", "refer_with_consent", "shelter with consent: request for shelter or help"),
    ("no.municipality.place", "municipality_partnership", "municipality, signal about an address: RIEC/ZVH under WGS"),
    ("no.municipality.person.adult.no", "consult_anonymously", "front desk, adult, no consent: discuss anonymously"),
    ("no.veilig_thuis.no", "veilig_thuis_task", "Veilig Thuis without consent: its legal task, not a shelter request"),
    ("no.veilig_thuis.yes", "refer_with_consent", "Veilig Thuis with consent: refer to the care coordinator"),
]


@pytest.mark.parametrize(("path", "expected", "why"), IMPORTANT_PATHS, ids=[row[0] for row in IMPORTANT_PATHS])
def test_important_path_leads_to_expected_outcome(path, expected, why):
    assert walk(path.split(".")).id == expected, why


def test_important_outcomes_cite_the_expected_legal_bases():
    assert "conflict_of_duties" in TREE["call_112"].basis_codes
    assert "besluit_politiegegevens_comensha" in TREE["comensha_duty"].basis_codes
    assert "consent" in TREE["refer_with_consent"].basis_codes
    assert "meldcode" in TREE["meldcode_veilig_thuis"].basis_codes
    assert "wgs" in TREE["municipality_partnership"].basis_codes
    assert "wpg_partnership" in TREE["police_partnership"].basis_codes
    assert len(TREE["meldcode_veilig_thuis"].steps) == 5, "the meldcode has five steps"


def test_walk_without_answers_asks_the_first_question():
    assert walk([]) is TREE[START]
    assert isinstance(TREE[START], Question)


@pytest.mark.parametrize("path", [
    ["maybe"],                       # not an option of the first question
    ["yes", "no"],                   # an answer after an outcome
    ["no", "care", "adult", "x"],    # unknown key deeper down
    ["no"] * (tree.MAX_PATH_LENGTH + 1),
])
def test_walk_refuses_a_path_that_does_not_fit_the_tree(path):
    with pytest.raises(InvalidPath) as error:
        walk(path)
    assert error.value.position >= 1
    assert str(error.value)


# --- The pages, for an anonymous visitor ---------------------------------------------------------------------


def prefixes_to_questions() -> list[tuple[str, ...]]:
    """Every distinct path that ends at a question (including the empty path: the start page)."""
    prefixes = {path[:length] for path in PATHS for length in range(len(path))}
    return sorted(prefixes, key=lambda prefix: (len(prefix), prefix))


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def step_url(path) -> str:
    if not path:
        return reverse("policy:guide")
    return reverse("policy:guide-step") + "?path=" + dotted(path)


def assert_no_inline_script_or_style(text: str) -> None:
    assert "<style" not in text
    assert not re.search(r"\sstyle=", text)
    assert not re.search(r"<script(?![^>]*\ssrc=)", text), "inline script: the CSP forbids it"


@pytest.mark.django_db
def test_the_guide_is_public_and_starts_with_the_first_question():
    response = Client().get("/mag-ik-dit-delen/")
    assert response.status_code == 200
    text = page_text(response)
    assert "Mag ik dit delen?" in text
    assert '<legend class="utrecht-form-fieldset__legend' in response.content.decode()
    assert str(TREE[START].text) in text
    assert DISCLAIMER in text
    assert 'method="get"' in text
    assert "Opnieuw beginnen" not in text and "Terug" not in text


@pytest.mark.django_db
@pytest.mark.parametrize("path", prefixes_to_questions(), ids=lambda path: dotted(path) or "start")
def test_every_question_page_renders_for_an_anonymous_visitor(path):
    question = walk(path)
    response = Client().get(step_url(path))
    assert response.status_code == 200
    text = page_text(response)
    assert re.search(r"<legend[^>]*>" + re.escape(str(question.text)) + "</legend>", text)
    for option in question.options:
        assert str(option.label) in text
        assert f'value="{option.key}"' in text
    assert DISCLAIMER in text
    # Only choices: nothing in the form where a visitor could type a name into the URL.
    assert '<input type="text"' not in text and "<textarea" not in text
    assert_no_inline_script_or_style(text)
    if path:
        assert "Terug" in text and "Opnieuw beginnen" in text
        assert f'href="{step_url(path[:-1])}"' in text
        for _question, chosen in follow(path).trail:
            assert str(chosen.label) in text


@pytest.mark.django_db
@pytest.mark.parametrize("path", PATHS, ids=dotted)
def test_every_outcome_page_renders_the_advice_and_the_answers(path):
    outcome = walk(path)
    response = Client().get(step_url(path))
    assert response.status_code == 200
    text = page_text(response)
    assert str(outcome.title) in text
    assert str(outcome.recommendation) in text
    for recipient in outcome.share_with:
        assert str(recipient) in text
    for step in outcome.steps:
        assert str(step) in text
    for code in outcome.basis_codes:
        citation = LEGAL_BASES[code].citation if LEGAL_BASES and code in LEGAL_BASES else code
        assert str(citation) in text
    assert DISCLAIMER in text
    assert "Uw antwoorden" in text
    for _question, chosen in follow(path).trail:
        assert str(chosen.label) in text
    assert f'href="{reverse("web:home")}"' in text
    assert "Opnieuw beginnen" in text and "Terug" in text
    assert_no_inline_script_or_style(text)


@pytest.mark.django_db
def test_choosing_an_answer_moves_to_the_next_question_with_only_option_keys_in_the_url():
    response = Client().get(reverse("policy:guide-step"), {"path": "no", "answer": "care", "submitted": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("policy:guide-step") + "?path=no.care"
    follow_up = Client().get(response["Location"])
    assert str(TREE["age_secrecy"].text) in page_text(follow_up)


@pytest.mark.django_db
def test_the_first_answer_is_submitted_from_the_start_page():
    response = Client().get(reverse("policy:guide-step"), {"path": "", "answer": "yes", "submitted": "1"})
    assert response["Location"] == reverse("policy:guide-step") + "?path=yes"


@pytest.mark.django_db
def test_submitting_without_a_choice_asks_for_one():
    response = Client().get(reverse("policy:guide-step"), {"path": "no", "submitted": "1"})
    assert response.status_code == 200
    text = page_text(response)
    assert "Kies een antwoord." in text
    assert "<title>Fout:" in text
    assert 'aria-describedby="guide-question-help guide-question-error"' in text
    assert str(TREE["organisation"].text) in text


@pytest.mark.django_db
def test_the_step_page_without_a_path_sends_the_visitor_to_the_start():
    response = Client().get(reverse("policy:guide-step"))
    assert response.status_code == 302
    assert response["Location"] == reverse("policy:guide")


@pytest.mark.django_db
@pytest.mark.parametrize("query", [
    {"path": "maybe"},
    {"path": "yes.no"},
    {"path": "no..care"},
    {"path": "no.care.adult.<script>"},
    {"path": "x" * 2000},
    {"path": "no", "answer": "nonsense", "submitted": "1"},
    {"path": "yes", "answer": "yes", "submitted": "1"},   # answering an outcome
    {"path": "yes", "submitted": "1"},
])
def test_an_invalid_path_answers_400_with_a_dutch_explanation(query):
    response = Client().get(reverse("policy:guide-step"), query)
    assert response.status_code == 400
    text = page_text(response)
    assert "Deze stap bestaat niet" in text
    assert "De link naar deze stap van ‘Mag ik dit delen?’ klopt niet." in text
    assert f'href="{reverse("policy:guide")}"' in text
    assert "<script>" not in text.split("</head>", 1)[1]
