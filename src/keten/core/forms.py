"""Forms after a lost race: what the user typed, bound again against the version that is stored now."""

from keten.core.errors import CONFLICT_ON_PAGE, ConcurrentUpdate, DomainError, PermissionDenied


def is_conflict(error: DomainError, *, posted_version, stored_version) -> bool:
    """Whether a refusal is really news of someone else's save. Services check the state before the version, so a
    form posted against an older version is often refused for a state the user never saw (a step that no longer
    applies, a task already done): that the record changed is then the message that helps."""
    if isinstance(error, ConcurrentUpdate):
        return True
    return not isinstance(error, PermissionDenied) and posted_version != stored_version


def with_current_version(form_class, data, version: int | None, **kwargs):
    """`form_class(data, **kwargs)` bound to what was posted but carrying `version`, validated, with the conflict
    message on top. Saving it again is then a choice made knowing what the other person saved (the page shows the
    stored record), and nothing that was typed is lost. `form_class` is any callable taking the data first."""
    form = form_class(data.copy(), **kwargs)  # QueryDict.copy() is mutable and keeps multi-valued fields
    form.data[form.add_prefix("version")] = "" if version is None else str(version)  # None: nothing stored yet
    form.is_valid()
    form.add_error(None, CONFLICT_ON_PAGE)
    return form


def after_refusal(error: DomainError, form, form_class, data, *, stored_version, **kwargs):
    """The form to show again after a service refused it, with its status: a lost race (is_conflict) binds what was
    typed against the version stored now (409); any other refusal is said on the form as it was (400)."""
    if is_conflict(error, posted_version=form.cleaned_data.get("version"), stored_version=stored_version):
        return with_current_version(form_class, data, stored_version, **kwargs), 409
    form.add_error(None, error.message)
    return form, 400


def stored_values(record, fields) -> list[tuple[str, object]]:
    """(label, value as shown) of `fields` of `record`: what is stored now, for a page that lost a race to show
    above the form it keeps (web/includes/stored_now.html)."""
    shown = []
    for name in fields:
        field = record._meta.get_field(name)
        display = getattr(record, f"get_{name}_display", None)
        value = display() if callable(display) else getattr(record, name)
        shown.append((str(field.verbose_name), value))
    return shown
