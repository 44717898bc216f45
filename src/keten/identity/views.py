"""Pages of the identity app: the people an actor may see, a person's identity as policy allows, consent,
sharing, and the disclosure log for the privacy officer."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from keten.accounts.actor import Actor
from keten.accounts.permissions import deny, login_required, role_required
from keten.accounts.roles import Role
from keten.audit.selectors import disclosure_log
from keten.core.errors import DomainError, PermissionDenied
from keten.identity import selectors, services
from keten.identity.forms import AttributeForm, ConsentForm, ShareForm, SubjectForm
from keten.identity.models import Subject
from keten.policy.decisions import describe_scope
from keten.policy.purposes import ROLE_PURPOSES, Purpose, purpose_for
from keten.policy.rules import Relation
from keten.policy.services import share_record, share_revoke

#: Roles whose own purpose lets them register a person (the service checks the rules as well).
REGISTERING_ROLES = (Role.CARE_COORDINATOR, Role.POLICE_INVESTIGATOR, Role.CARE_WORKER, Role.VEILIG_THUIS_WORKER,
                     Role.REGISTRATION_OFFICER)



def _purpose(request) -> str:
    """The purpose chosen on the page (?doel=), limited to the purposes of the active role."""
    return purpose_for(request.membership.role, request.GET.get("doel") or request.POST.get("doel"))


def _subject_or_404(request, subject_id, purpose) -> Subject:
    subject = selectors.subject_for(actor=Actor.of(request.membership), subject_id=subject_id, purpose=purpose)
    if subject is None:
        raise Http404
    return subject


@login_required
def subject_list(request):
    actor, purpose = Actor.of(request.membership), _purpose(request)
    return render(request, "identity/subject_list.html", {
        "subjects": selectors.subjects_visible(actor=actor, purpose=purpose),
        "scope": describe_scope(actor, purpose, Subject),
        "purpose": Purpose(purpose),
        "purposes": [Purpose(p) for p in ROLE_PURPOSES[actor.role]],
        "can_register": actor.role in REGISTERING_ROLES,
    })


@role_required(*REGISTERING_ROLES)
def subject_create(request):
    form = SubjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            subject = services.subject_register(actor=Actor.of(request.membership),
                                                municipality=form.cleaned_data["municipality"],
                                                attributes=form.attributes())
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("{alias} is vastgelegd.").format(alias=subject.alias))
            return redirect("identity:subject-detail", subject_id=subject.pk)
    return render(request, "identity/subject_create.html", {"form": form})


#: The forms on a person's page, by the value of their submit button's `action`.
DETAIL_FORMS = {"attribute": AttributeForm, "consent": ConsentForm, "share": ShareForm}


@login_required
def subject_detail(request, subject_id):
    actor, purpose = Actor.of(request.membership), _purpose(request)
    subject = _subject_or_404(request, subject_id, purpose)
    action = request.POST.get("action")
    forms = {name: form_class(request.POST if name == action else None, prefix=name)
             for name, form_class in DETAIL_FORMS.items()}
    if request.method == "POST" and action in forms and forms[action].is_valid():
        try:
            _save(action, actor, subject, forms[action].cleaned_data)
        except DomainError as error:
            forms[action].add_error(None, error.message)
        else:
            messages.success(request, _("Opgeslagen."))
            return redirect(request.get_full_path())
    identity = selectors.subject_identity(actor=actor, subject=subject, purpose=purpose)
    owns = Relation.OWN in identity.decision.relations
    return render(request, "identity/subject_detail.html", {
        "subject": subject,
        "identity": identity,
        "purpose": Purpose(purpose),
        "purposes": [Purpose(p) for p in ROLE_PURPOSES[actor.role]],
        "consents": selectors.consents_of(subject) if identity.decision.allowed else [],
        "shares": selectors.shares_of(subject) if owns else [],
        "can_edit": identity.decision.allowed and not identity.decision.pseudonymised,
        "owns": owns,
        "forms": forms,
        "can_see_disclosure": actor.role == Role.PRIVACY_OFFICER,
    })


def _save(action, actor, subject, data) -> None:
    if action == "attribute":
        services.attribute_add(actor=actor, subject=subject, **data)
    elif action == "consent":
        services.consent_record(actor=actor, subject=subject, **data)
    else:
        share_record(actor=actor, record=subject, **data)


@login_required
def consent_withdraw(request, subject_id, consent_id):
    """A one-click withdrawal, after a confirmation page."""
    purpose = _purpose(request)
    subject = _subject_or_404(request, subject_id, purpose)
    if request.method == "POST":
        consent = selectors.consent_of(subject, consent_id)  # the withdrawal itself is audited by the service
    else:
        consent = selectors.consent_shown(actor=Actor.of(request.membership), subject=subject,
                                          consent_id=consent_id, purpose=purpose)
    if consent is None:
        raise Http404
    if request.method == "POST":
        try:
            services.consent_withdraw(actor=Actor.of(request.membership), consent=consent)
        except PermissionDenied as error:
            return deny(request, error.message)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("De toestemming is ingetrokken. Wat erop rustte, stopt direct."))
        return redirect("identity:subject-detail", subject_id=subject.pk)
    return render(request, "identity/consent_withdraw.html", {"subject": subject, "consent": consent})


@require_POST
@login_required
def share_end(request, subject_id, share_id):
    subject = _subject_or_404(request, subject_id, _purpose(request))
    share = selectors.share_of(subject, share_id)
    if share is None:
        raise Http404
    try:
        share_revoke(actor=Actor.of(request.membership), share=share)
    except PermissionDenied as error:
        return deny(request, error.message)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Het delen is beëindigd."))
    return redirect("identity:subject-detail", subject_id=subject.pk)


@role_required(Role.PRIVACY_OFFICER)
def disclosure(request, subject_id):
    """Who saw or changed what of this person, when, from which organisation, for which purpose."""
    subject = _subject_or_404(request, subject_id, Purpose.PRIVACY_SUPERVISION)
    identity = selectors.subject_identity(actor=Actor.of(request.membership), subject=subject,
                                          purpose=Purpose.PRIVACY_SUPERVISION)
    return render(request, "identity/disclosure.html", {
        "subject": subject, "identity": identity, "events": disclosure_log(subject.pk),
    })
