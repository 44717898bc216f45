"""CoMensha's registration tasks: the open ones a routing rule created, and recording how each ended. Only the
registration officers of the organisation a task is for see it; any other task is a 404."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from keten.accounts.actor import Actor
from keten.accounts.permissions import role_required
from keten.accounts.roles import Role
from keten.core.errors import DomainError
from keten.core.forms import after_refusal
from keten.intake import selectors, services
from keten.intake.task_forms import TaskCompleteForm

registration_officers = role_required(Role.REGISTRATION_OFFICER)


def _page(request, *, failed: tuple | None = None, status: int = 200):
    """The task list, each open task with its form; a failed form keeps what was typed and its error."""
    tasks = list(selectors.registration_tasks(actor=Actor.of(request.membership)))
    rows = [(task, failed[1] if failed and failed[0] == task.pk else
             TaskCompleteForm(prefix=str(task.pk), initial={"version": task.version}) if task.is_open else None)
            for task in tasks]
    return render(request, "intake/tasks/list.html", {
        "rows": rows, "open_count": sum(task.is_open for task in tasks)}, status=status)


@require_GET
@registration_officers
def task_list(request):
    return _page(request)


@require_POST
@registration_officers
def task_complete(request, task_id):
    actor = Actor.of(request.membership)
    task = selectors.registration_task_for(actor=actor, task_id=task_id)
    if task is None:
        raise Http404
    form = TaskCompleteForm(request.POST, prefix=str(task.pk))
    status = 400
    if form.is_valid():
        try:
            services.registration_task_complete(
                actor=actor, task=task, outcome=form.cleaned_data["outcome"], note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["version"])
        except DomainError as refusal:
            # Someone else completed it meanwhile: the list shows how, and this form keeps what was typed.
            stored = selectors.registration_task_for(actor=actor, task_id=task_id)
            form, status = after_refusal(refusal, form, TaskCompleteForm, request.POST,
                                         stored_version=stored.version, prefix=str(task.pk))
        else:
            messages.success(request, _("Taak voor signaal {reference} afgerond.").format(
                reference=task.signal.reference))
            return redirect("intake:registration-task-list")
    return _page(request, failed=(task.pk, form), status=status)
