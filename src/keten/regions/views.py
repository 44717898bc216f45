"""Pages of the regions app: a national functional administrator edits the configurable layers."""

from django.shortcuts import render

from keten.accounts.permissions import role_required
from keten.accounts.roles import Role


@role_required(Role.FUNCTIONAL_ADMIN, national=True)
def layer_list(request):
    return render(request, "regions/layer_list.html", {})
