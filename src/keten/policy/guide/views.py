"""Pages of the public guide "Mag ik dit delen?": one GET form per question, then the outcome with its advice.

No login and no JavaScript needed. The answers so far travel in the URL as `?path=no.care.adult`: option keys
only, never anything about a person, so a link can be shared or bookmarked without leaking a case.
"""

from urllib.parse import urlencode

from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from keten.policy.guide.legal import bases_for
from keten.policy.guide.tree import InvalidPath, Outcome, Question, Walk, follow

PATH_PARAM = "path"
ANSWER_PARAM = "answer"
#: Sent by the form itself, so "submitted without a choice" can be told from "opened through a link".
SUBMITTED_PARAM = "submitted"
SEPARATOR = "."
#: Longer than any real path; a longer one is refused before it is split.
MAX_PATH_CHARS = 600


def step_url(answers) -> str:
    if not answers:
        return reverse("policy:guide")
    return reverse("policy:guide-step") + "?" + urlencode({PATH_PARAM: SEPARATOR.join(answers)})


def parse_path(raw: str) -> list[str]:
    if len(raw) > MAX_PATH_CHARS:
        raise InvalidPath(f"path is {len(raw)} characters long; at most {MAX_PATH_CHARS}", position=1)
    return raw.split(SEPARATOR) if raw else []


@require_GET
def guide(request):
    """The start page: what the guide is for, and the first question."""
    return _question_page(request, follow([]), [])


@require_GET
def guide_step(request):
    try:
        answers = parse_path(request.GET.get(PATH_PARAM, ""))
        if SUBMITTED_PARAM in request.GET:
            answer = request.GET.get(ANSWER_PARAM, "")
            if not answer:
                return _question_page(request, follow(answers), answers, missing_answer=True)
            new_path = [*answers, answer]
            follow(new_path)
            return redirect(step_url(new_path))
        if not answers:
            return redirect("policy:guide")
        walked = follow(answers)
    except InvalidPath as error:
        return render(request, "policy/guide/invalid.html", {"position": error.position,
                                                             "restart_url": reverse("policy:guide")}, status=400)
    if isinstance(walked.node, Outcome):
        return _outcome_page(request, walked, answers)
    return _question_page(request, walked, answers)


def _answers_given(walked: Walk, answers: list[str]) -> list[dict]:
    """Each question answered so far, the answer chosen and a link back to that question to change it."""
    return [
        {"question": question, "option": option, "change_url": step_url(answers[:index])}
        for index, (question, option) in enumerate(walked.trail)
    ]


def _common(walked: Walk, answers: list[str]) -> dict:
    return {
        "answers_given": _answers_given(walked, answers),
        "back_url": step_url(answers[:-1]) if answers else None,
        "restart_url": reverse("policy:guide"),
    }


def _question_page(request, walked: Walk, answers: list[str], *, missing_answer: bool = False):
    # An outcome cannot be answered: a form submitted on one is an invalid path (the caller catches it).
    if not isinstance(walked.node, Question):
        raise InvalidPath("an outcome has no options to answer", position=len(answers) + 1)
    return render(request, "policy/guide/question.html", {
        **_common(walked, answers),
        "question": walked.node,
        "path": SEPARATOR.join(answers),
        "step_number": len(answers) + 1,
        "is_start": not answers,
        "missing_answer": missing_answer,
    })


def _outcome_page(request, walked: Walk, answers: list[str]):
    outcome = walked.node
    return render(request, "policy/guide/outcome.html", {
        **_common(walked, answers),
        "outcome": outcome,
        "bases": bases_for(outcome.basis_codes),
    })
