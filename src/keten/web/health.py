"""Is Keten able to serve? The database answers and no migration is waiting."""

from functools import cache

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder


@cache
def _known_migrations() -> frozenset[tuple[str, str]]:
    """Every migration the code ships. The code does not change while the process runs, so this is read
    from disk once; the database is asked on every check."""
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


def health_problem() -> str | None:
    """None when healthy, otherwise the reason (no personal data, safe to show to a load balancer)."""
    try:
        applied = MigrationRecorder(connections[DEFAULT_DB_ALIAS]).applied_migrations()
    except Exception as error:  # noqa: BLE001 - any failure to reach the database means unhealthy
        return f"database unreachable: {type(error).__name__}"
    pending = _known_migrations() - applied.keys()
    if pending:
        return f"{len(pending)} migration(s) not applied"
    return None
