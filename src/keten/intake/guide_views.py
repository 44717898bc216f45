"""Pages of the Aanmeldwijzer, the public guide for front-desk staff: the questions, the advice (who to call now
and what to say) and a short text for the person in their language, printable. No login, no JavaScript needed,
nothing stored: the answers travel in the query string of a GET form."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from keten.intake.forms import GuideSignalForm
from keten.intake.guide import NOT_NEEDED, WHAT_TO_SAY, Advice, Answers, advise
from keten.intake.guide_forms import YES, GuideForm, initial_from
from keten.intake.guide_texts import PERSON_TEXTS, TEXTS_BY_LANG
from keten.socialmap.forms import LANGUAGE_CHOICES
from keten.socialmap.selectors import who_to_call

#: The Dutch name of each language, for the worker who cannot read "Български".
DUTCH_NAMES = dict(LANGUAGE_CHOICES)


def _languages() -> list[dict]:
    return [{"lang": text["lang"], "name": text["name"], "dutch_name": DUTCH_NAMES[text["lang"]]}
            for text in PERSON_TEXTS]


def _advice(form: GuideForm) -> Advice:
    """The advice for what was answered well; without a known place, with the national lines only."""
    form.is_valid()
    place = form.cleaned_data.get("place")
    return advise(form.answers(), who_to_call(place.municipality) if place else None)


def _answers_given(form: GuideForm) -> list[tuple[str, str]]:
    """Each question with the answer chosen, in words."""
    rows = []
    for name in ("noticed", "place", "minor", "danger"):
        field, value = form.fields[name], form.cleaned_data[name]
        if name == "place":
            text = value.municipality.name
        else:
            labels = dict(field.choices)
            text = "; ".join(str(labels[code]) for code in value) if name == "noticed" else str(labels[value])
        rows.append((field.label, text))
    return rows


@require_GET
def guide(request):
    """The questions; filled in with the answers given before when the worker comes back to change them."""
    return render(request, "intake/guide/questions.html", {"form": GuideForm(initial=initial_from(request.GET))})


@require_GET
def guide_advice(request):
    if not request.GET:
        return redirect("intake:guide")
    form = GuideForm(request.GET)
    advice = _advice(form)
    if not form.is_valid():
        # The worker may be in a hurry: the errors, and the numbers that work anywhere meanwhile.
        return render(request, "intake/guide/questions.html", {"form": form, "advice": advice})
    # The optional minimal signal (keten.intake.views.guide_signal), filled in with the answers given.
    signal_form = GuideSignalForm(initial={
        "municipality": form.cleaned_data["place"].municipality.code, "noticed": form.cleaned_data["noticed"],
        "minor": form.cleaned_data["minor"], "danger": form.cleaned_data["danger"] == YES})
    return render(request, "intake/guide/advice.html", {
        "signal_form": signal_form,
        "form": form,
        "advice": advice,
        "place": form.cleaned_data["place"],
        "answers_given": _answers_given(form),
        "what_to_say": WHAT_TO_SAY,
        "not_needed": NOT_NEEDED,
        "languages": _languages(),
        "query": form.query_string(),
    })


@require_GET
def guide_text(request, lang: str):
    """The text for the person in one language, with numbers to call: those of the advice when the answers
    come along, otherwise the national ones."""
    text = TEXTS_BY_LANG.get(lang)
    if text is None:
        raise Http404
    form = GuideForm(request.GET)
    advice = _advice(form) if request.GET else advise(Answers(), None)
    return render(request, "intake/guide/text.html", {
        "text": text,
        "dutch_name": DUTCH_NAMES[lang],
        "contacts": advice.for_the_person,
        "languages": _languages(),
        "query": form.query_string() if form.is_valid() else "",
    })
