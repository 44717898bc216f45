"""Pages of the accounts app: switching the active role, and a functional administrator's management of
the people and API keys of their own organisation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from keten.accounts import selectors, services
from keten.accounts.actor import Actor
from keten.accounts.forms import MembershipForm, MembershipSwitchForm, TokenForm, UserInviteForm
from keten.accounts.middleware import ACTIVE_MEMBERSHIP_KEY
from keten.accounts.permissions import role_required
from keten.accounts.roles import Role
from keten.core.errors import DomainError

admin_only = role_required(Role.FUNCTIONAL_ADMIN)



@require_POST
@login_required
def membership_switch(request):
    """Act in another of one's own memberships from now on."""
    form = MembershipSwitchForm(request.POST)
    chosen = form.is_valid() and selectors.memberships_of(request.user).filter(
        pk=form.cleaned_data["membership"]).first()
    if not chosen:
        messages.error(request, _("Die rol hoort niet bij uw account."))
    else:
        request.session[ACTIVE_MEMBERSHIP_KEY] = str(chosen.pk)
        messages.success(request, _("U werkt nu als: {membership}").format(membership=chosen))
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = reverse("web:home")
    return redirect(next_url)


@admin_only
def user_list(request):
    return render(request, "accounts/user_list.html", {
        "organisation": request.membership.organisation,
        "users": selectors.user_search(actor=Actor.of(request.membership)),
    })


@admin_only
def user_invite_view(request):
    organisation = request.membership.organisation
    form = UserInviteForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_invite(actor=Actor.of(request.membership), **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            services.password_link_send(request=request, user=user)
            messages.success(request, _("{email} heeft een rol gekregen.").format(email=user.email))
            return redirect("accounts:user-detail", user_id=user.pk)
    return render(request, "accounts/user_invite.html", {"form": form, "organisation": organisation})


@admin_only
def user_detail(request, user_id):
    actor, organisation = Actor.of(request.membership), request.membership.organisation
    user = selectors.user_of_organisation(organisation, user_id)
    if user is None:
        raise Http404
    form = MembershipForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_add(actor=actor, user=user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("De rol is toegevoegd."))
            return redirect("accounts:user-detail", user_id=user.pk)
    # Read (and audited) only now that the page is shown: a role added above leaves its write and no read.
    view = selectors.user_read(actor=actor, user=user)
    return render(request, "accounts/user_detail.html", {
        "subject_user": view.user,
        "memberships": view.memberships,
        "form": form,
        "organisation": organisation,
    })


@require_POST
@admin_only
def user_deactivate_view(request, user_id):
    user = selectors.user_of_organisation(request.membership.organisation, user_id)
    if user is None:
        raise Http404
    try:
        services.user_deactivate(actor=Actor.of(request.membership), user=user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("De rollen van {email} bij uw organisatie zijn beëindigd.").format(
            email=user.email))
    return redirect("accounts:user-detail", user_id=user.pk)


@require_POST
@admin_only
def membership_end_view(request, membership_id):
    membership = selectors.person_membership_at(request.membership.organisation, membership_id)
    if membership is None:
        raise Http404
    try:
        services.membership_end(actor=Actor.of(request.membership), membership=membership)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("De rol is beëindigd."))
    return redirect("accounts:user-detail", user_id=membership.user_id)


@admin_only
def token_list(request):
    organisation = request.membership.organisation
    form = TokenForm(request.POST or None, organisation=organisation)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = services.token_issue(actor=Actor.of(request.membership), **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            form = TokenForm(organisation=organisation)
    return render(request, "accounts/token_list.html", {
        "organisation": organisation,
        "tokens": selectors.tokens_of_organisation(organisation),
        "form": form,
        "new_key": new_key,
    })


@require_POST
@admin_only
def token_revoke_view(request, token_id):
    token = selectors.tokens_of_organisation(request.membership.organisation).filter(pk=token_id).first()
    if token is None:
        raise Http404
    try:
        services.token_revoke(actor=Actor.of(request.membership), token=token)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("De sleutel {name} is ingetrokken.").format(name=token.name))
    return redirect("accounts:token-list")
