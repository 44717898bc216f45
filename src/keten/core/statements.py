"""Several SQL statements sent to PostgreSQL in one round trip: how a registration writes its rows, and the audit
log the events of a transaction (keten.intake.batch, keten.audit.services)."""

from collections.abc import Sequence


def sends_together(connection) -> bool:
    """Whether the connection takes several statements in one execute: PostgreSQL with psycopg's client-side
    binding cursor (Django's default there). With server-side binding, or on SQLite, each goes on its own."""
    return connection.vendor == "postgresql" and not connection.settings_dict.get("OPTIONS", {}).get(
        "server_side_binding")


def execute_together(connection, statements: Sequence[tuple[str, Sequence]]) -> None:
    """Run (text, values) statements in order, in one round trip (only where `sends_together`). The database
    checks each as if it came alone, and the first that fails fails the rest and the transaction.

    Each statement gets its values on its own: psycopg remembers how it parsed a short statement, so the few that
    every registration sends are parsed once per process, where the whole batch (long, with many values) was
    parsed anew every time."""
    with connection.cursor() as cursor:
        bind = cursor.cursor.mogrify  # psycopg's client-side binding, behind Django's cursor wrapper
        cursor.execute(";\n".join(bind(text, values) for text, values in statements))
