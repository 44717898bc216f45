"""Page of the hit/no-hit question: ask whether an identifier is known at another organisation, read the answer,
and see one's earlier questions (never their values). hits.py checks, asks and audits; this view translates."""

import uuid

from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from keten.accounts.actor import Actor
from keten.accounts.permissions import deny, role_required
from keten.core.errors import PermissionDenied, ValidationFailed
from keten.signaltable import hits
from keten.signaltable.hit_forms import HitQuestionForm
from keten.signaltable.selectors import TABLE_ROLES

LIST_LIMIT = 50


def _question_id(request):
    try:
        return uuid.UUID(request.GET.get("vraag", ""))
    except ValueError:
        return None


@require_http_methods(["GET", "POST"])
@role_required(*TABLE_ROLES)
def hit_question(request):
    actor = Actor.of(request.membership)
    form = HitQuestionForm(request.POST if request.method == "POST" else None)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            question = hits.ask(actor=actor, kind=form.cleaned_data["kind"], raw=form.cleaned_data["value"])
        except PermissionDenied as error:
            return deny(request, error.message)
        except hits.TooManyQuestions as error:
            form, refusal = HitQuestionForm(initial={"kind": form.cleaned_data["kind"]}), error.message
        except ValidationFailed as error:
            form.add_error("value", error.message)
        else:
            # Redirect after asking: the answer shows on a clean page, and reloading does not ask again.
            return redirect(f"{reverse('signaltable:hit-question')}?vraag={question.pk}")
    earlier = list(hits.questions_of(actor=actor)[:LIST_LIMIT])
    asked = next((question for question in earlier if question.pk == _question_id(request)), None)
    return render(request, "signaltable/hit_question.html", {
        "form": form, "refusal": refusal, "asked": asked, "answer": hits.answer_lines(asked.hits) if asked else [],
        "earlier": [(question, hits.KIND_LABELS.get(question.kind, question.kind), hits.answer_lines(question.hits))
                    for question in earlier],
        "limit": hits.RATE_LIMIT,
    })
