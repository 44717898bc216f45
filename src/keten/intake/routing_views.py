"""Pages where the national functional administrator keeps the routing rules, and the dry run that tries a rule
set on recent signals without saving, sharing or reading anything personal."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from keten.accounts.actor import Actor
from keten.accounts.permissions import role_required
from keten.accounts.roles import Role
from keten.core.errors import DomainError
from keten.core.forms import after_refusal
from keten.intake import routing, services
from keten.intake.models import RoutingRule
from keten.intake.routing_forms import RuleForm, TrialForm

national_admin_only = role_required(Role.FUNCTIONAL_ADMIN, national=True)
DEFAULT_TRIAL_COUNT = 100


def _rule_or_404(rule_id) -> RoutingRule:
    try:
        rule = RoutingRule.objects.select_related("municipality", "region__layer").filter(pk=rule_id).first()
    except ValidationError:  # a malformed id from a posted form
        rule = None
    if rule is None:
        raise Http404
    return rule


@national_admin_only
def rule_list(request):
    rules = RoutingRule.objects.select_related("municipality", "region__layer")
    return render(request, "intake/routing/list.html", {"rows": _rule_rows(rules)})


def _rule_rows(rules) -> list[tuple]:
    return [(rule, routing.describe(rule), routing.action_labels(rule.actions)) for rule in rules]


def _form_page(request, form, rule, status=200, stored=None):
    """The rule form; `stored` (a rule row) when the form lost a race, to show what is saved now above it."""
    return render(request, "intake/routing/form.html", {"form": form, "rule": rule, "stored": stored},
                  status=status)


@national_admin_only
def rule_create(request):
    form = RuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rule = services.rule_create(actor=Actor.of(request.membership), **form.values())
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Regel ‘{name}’ is toegevoegd.").format(name=rule.name))
            return redirect("intake:routing-rule-list")
    return _form_page(request, form, None, status=400 if request.method == "POST" else 200)


@national_admin_only
def rule_edit(request, rule_id):
    rule = _rule_or_404(rule_id)
    form = RuleForm(request.POST or None, rule=rule)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            services.rule_update(actor=Actor.of(request.membership), rule=rule,
                                 expected_version=form.cleaned_data["version"], **form.values())
        except DomainError as error:
            rule = _rule_or_404(rule_id)  # read again: the page shows the rule as stored now above the form
            form, status = after_refusal(error, form, RuleForm, request.POST, stored_version=rule.version, rule=rule)
            if status == 409:
                return _form_page(request, form, rule, status=status, stored=_rule_rows([rule])[0])
        else:
            messages.success(request, _("Regel ‘{name}’ is opgeslagen.").format(name=rule.name))
            return redirect("intake:routing-rule-list")
    return _form_page(request, form, rule, status=status)


@national_admin_only
def rule_trial(request):
    """GET: the saved rule set on recent signals. POST (from the rule form's "Proef" button): the saved set with
    the rule being edited replaced by what the form holds, or with the new rule added. Nothing is written."""
    trial = TrialForm(request.GET or request.POST or None)
    count = (trial.cleaned_data.get("count") if trial.is_valid() else None) or DEFAULT_TRIAL_COUNT
    rules = routing.active_rules()
    draft, form = None, None
    if request.method == "POST":
        edited = _rule_or_404(request.POST["rule_id"]) if request.POST.get("rule_id") else None
        form = RuleForm(request.POST, rule=edited)
        if form.is_valid():
            try:
                draft = services.rule_draft(rule=edited, **form.values())
            except DomainError as error:
                form.add_error(None, error.message)
        if draft is None:
            return _form_page(request, form, edited, status=400)
        rules = [rule for rule in rules if edited is None or rule.pk != edited.pk] + [draft]
    facts = routing.facts_of(routing.recent_signal_ids(count))
    decisions = [(fact, routing.evaluate(rules, fact)) for fact in facts]
    rows = [(fact, decision, routing.action_labels(decision.actions)) for fact, decision in decisions]
    return render(request, "intake/routing/trial.html", {
        "rows": rows, "draft": draft,
        "rules": _rule_rows(sorted((r for r in rules if r.is_active), key=lambda r: (r.position, r.name))),
        "trial_form": trial if trial.is_bound else TrialForm(initial={"count": count}), "count": count,
        "matched_by_draft": sum(1 for _fact, decision in decisions if draft is not None and decision.rule is draft),
    })
