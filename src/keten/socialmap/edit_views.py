"""Editing the social map: a functional administrator keeps the services of their own organisation up to date
(a national one all of them), and confirms in one click that an entry is still right."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from keten.accounts.actor import Actor
from keten.accounts.permissions import role_required
from keten.accounts.roles import Role
from keten.core.errors import ConcurrentUpdate, DomainError
from keten.core.forms import stored_values, with_current_version
from keten.socialmap import services
from keten.socialmap.edit_forms import ServiceForm, VerifyForm
from keten.socialmap.editing import editable_service, editable_services

admin_only = role_required(Role.FUNCTIONAL_ADMIN)



@admin_only
def service_list(request):
    services_ = editable_services(Actor.of(request.membership), query=request.GET.get("q", ""))
    page = Paginator(services_, 25).get_page(request.GET.get("pagina"))
    return render(request, "socialmap/edit/service_list.html", {"page": page, "query": request.GET.get("q", "")})


@admin_only
def service_edit(request, service_id):
    service = editable_service(Actor.of(request.membership), service_id)
    if service is None:
        raise Http404
    form = ServiceForm(request.POST or None, instance=service, initial={"version": service.version})
    stored, status = (), 200
    if request.method == "POST" and form.is_valid():
        changes = {field: form.cleaned_data[field] for field in services.EDITABLE_FIELDS}
        try:
            services.service_update(actor=Actor.of(request.membership), service=service,
                                    expected_version=form.cleaned_data["version"], **changes)
        except ConcurrentUpdate:
            # Two reads: a bound ModelForm writes what was typed into its instance, and the page shows the stored.
            service = editable_service(Actor.of(request.membership), service_id)
            form = with_current_version(ServiceForm, request.POST, service.version,
                                        instance=editable_service(Actor.of(request.membership), service_id))
            stored, status = stored_values(service, services.EDITABLE_FIELDS), 409
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("‘{name}’ is opgeslagen.").format(name=service.name))
            return redirect("socialmap_admin:service-list")
    return render(request, "socialmap/edit/service_edit.html", {"form": form, "service": service, "stored": stored},
                  status=status)


@require_POST
@admin_only
def service_verify(request, service_id):
    service = editable_service(Actor.of(request.membership), service_id)
    if service is None:
        raise Http404
    form = VerifyForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("Het formulier is onvolledig; laad de pagina opnieuw."))
        services.service_verify(actor=Actor.of(request.membership), service=service,
                                expected_version=form.cleaned_data["version"])
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("‘{name}’ is gecontroleerd en klopt nog.").format(name=service.name))
    return redirect("socialmap_admin:service-list")
