"""Writing the new rows of a registration, several tables at once, in one round trip to the database."""

from collections.abc import Sequence

from django import dispatch
from django.db import connections, router
from django.db.models import Model, sql

from keten.core.statements import execute_together, sends_together

#: Sent by insert_all once the rows have their final values (keys, timestamps) and before they are written, with
#: `groups` (what is written) and `extra` (a list): a receiver that keeps something current on a model's save
#: (keten.monitor.receivers) appends groups of its own new rows to `extra`, written in the same round trip.
inserting = dispatch.Signal()


def insert_all(groups: Sequence[Sequence[Model]]) -> None:
    """Insert each group (new instances of one model) in the current transaction.

    On PostgreSQL the INSERTs go to the server as one batch of statements (keten.core.statements): one round trip
    for them all, each statement checked as if sent alone, and the first that fails fails the batch and the
    transaction. Elsewhere, and with server-side binding, one bulk_create per group. No post_save is sent
    (receivers hear `inserting` instead), and ids the database makes (an auto-increment key) are not read back:
    for rows written once and not read back in the same request."""
    groups = [list(group) for group in groups if group]
    if not groups:
        return
    using = router.db_for_write(type(groups[0][0]))
    connection = connections[using]
    at_once = sends_together(connection)
    statements, extra = [], []
    for group in groups:
        if at_once:
            statements += _insert_statements(group, connection)
        else:
            type(group[0]).objects.using(using).bulk_create(group)
    inserting.send(sender=insert_all, groups=groups, extra=extra)
    for group in (list(group) for group in extra if group):
        if at_once:
            statements += _insert_statements(group, connection)
        else:
            type(group[0]).objects.using(using).bulk_create(group)
    if statements:
        execute_together(connection, statements)
        for group in [*groups, *extra]:
            for obj in group:
                obj._state.adding, obj._state.db = False, using


def _insert_statements(group: list[Model], connection) -> list[tuple[str, tuple]]:
    """The INSERT of one model's rows as bulk_create would send it, without reading anything back; filling in
    the values saving would (auto_now_add timestamps) on the instances."""
    model = type(group[0])
    opts = model._meta
    fields = [field for field in opts.concrete_fields if not field.generated]
    if any(obj.pk is None for obj in group):  # the database numbers them (an AutoField)
        if not all(obj.pk is None for obj in group):
            raise ValueError(f"Give every new {opts.label} a key, or none.")
        fields = [field for field in fields if field is not opts.pk]
    for obj in group:
        obj._prepare_related_fields_for_save(operation_name="insert_all")
    query = sql.InsertQuery(model)
    query.insert_values(fields, group)
    return query.get_compiler(connection=connection).as_sql()
