"""Fuzzing Keten's API with schemathesis, per role, in-process through Django's WSGI app: every generated request
must get no server error, an answer that matches the OpenAPI schema, and no subject or signal outside what
keten.policy.decisions.visible_to lets that role see. Run: `make soak` (SOAK_API_CASES per role, default 10,000).

tests/test_fuzz_api.py runs the same engine (`fuzz_role`) with a few cases per operation in `make test`; this
script runs it long on a scratch SQLite database with the demo world, and prints per role: cases, server errors,
schema mismatches and out-of-scope records."""

import logging
import math
import os
import secrets
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
CASES = int(os.environ.get("SOAK_API_CASES", "10000"))
SEED = int(os.environ.get("SOAK_API_SEED", "20261128"))
#: Path parameters that name a record: a third of the cases use a real id (in and out of the caller's reach),
#: since a random UUID only ever meets a 404 and would never test the scope check.
RECORD_PARAMETERS = {"signal_id": "intake.Signal", "subject_id": "identity.Subject"}
#: Valid bodies for the writes (synthetic values only), see _plausible.
PLAUSIBLE_BODIES = {
    "POST /api/v1/signals/": {
        "observed_on": "2026-01-05", "municipality": "GM0363", "forms": ["labour"], "urgency": "normal",
        "basis": "wmo", "indicators": ["ILO-07"], "description": "Arbeiders slapen in een loods (fuzzing, fictief).",
        "entities": [{"kind": "phone", "value": "06 10000 904"}]},
    "POST /api/v1/signals/{signal_id}/transitions/": {"to_status": "triage", "version": 1, "note": ""},
}
#: How many failures of each kind a report keeps in full (the counts are always complete).
KEPT = 5


@dataclass
class RoleReport:
    role: str
    cases: int = 0
    server_errors: int = 0
    schema_mismatches: int = 0
    out_of_scope: int = 0
    statuses: dict[str, Counter] = field(default_factory=dict)  # per operation: how many answers of each status
    failures: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return self.server_errors == self.schema_mismatches == self.out_of_scope == 0

    def line(self) -> str:
        return (f"  {self.role:<22} cases {self.cases:>6}   server errors {self.server_errors}   "
                f"schema mismatches {self.schema_mismatches}   out-of-scope records {self.out_of_scope}")

    def detail(self) -> str:
        return "\n".join(f"      {label:<48} " + " ".join(f"{code}:{n}" for code, n in sorted(counts.items(), key=str))
                         for label, counts in sorted(self.statuses.items()))


# --- Keys and the schema ---------------------------------------------------------------------------------------------


def api_keys(memberships) -> dict[str, str]:
    """An API key (read and write) for each membership, keyed by role: each acts exactly as that person does."""
    from keten.accounts.models import ApiToken, TokenScope

    keys = {}
    for membership in memberships:
        key = secrets.token_urlsafe(32)
        ApiToken.objects.filter(membership=membership).delete()
        ApiToken.objects.create(organisation=membership.organisation, membership=membership,
                                name=f"Fuzzing {membership.role}", prefix=key[:8], key_hash=ApiToken.hash_key(key),
                                scopes=[TokenScope.READ, TokenScope.WRITE], created_by=membership.user)
        keys[membership.role] = key
    return keys


def load_schema(app, key: str):
    """Keten's own OpenAPI schema, fetched through the app as a client would (it is not public), narrowed to
    Keten's versioned API (the public HSDS endpoints have no roles)."""
    import schemathesis

    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", app,
                                            headers={"Authorization": f"Token {key}"})
    return schema.include(path_regex=r"^/api/v1/")


def _plausible(operation):
    """For a write, requests a service accepts now and then: a valid body with a field or two generated. Bodies
    generated from the schema alone almost never pass the services' checks, so the writes would go untested."""
    from hypothesis import strategies as st
    from schemathesis import GenerationMode

    from keten.intake.workflow import Status

    base = PLAUSIBLE_BODIES.get(operation.label)
    if base is None:
        return None

    def merged(drawn):
        case, replaced, to_status, version = drawn
        generated = case.body if isinstance(case.body, dict) else {}
        case.body = {**base, **({"to_status": to_status, "version": version} if "to_status" in base else {}),
                     **{name: generated[name] for name in replaced if name in generated}}
        return case

    return st.tuples(operation.as_strategy(GenerationMode.POSITIVE), st.sets(st.sampled_from(sorted(base)),
                                                                              max_size=2),
                     st.sampled_from(Status.values), st.integers(1, 8)).map(merged)


def _strategy(operation, record_ids: dict[str, tuple[list[str], list[str]]]):
    from hypothesis import strategies as st
    from schemathesis import GenerationMode

    generated = st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                          operation.as_strategy(GenerationMode.NEGATIVE))
    plausible = _plausible(operation)
    if plausible is not None:
        generated = st.one_of(generated, plausible)
    names = [name for name in RECORD_PARAMETERS if "{" + name + "}" in operation.path]
    if not names:
        return generated

    def with_real_id(drawn):
        case, ids = drawn
        case.path_parameters = {**(case.path_parameters or {}), **ids}
        return case

    real = st.fixed_dictionaries({name: st.one_of(*(st.sampled_from(ids) for ids in record_ids[name] if ids))
                                  for name in names})
    return st.one_of(generated, generated, st.tuples(generated, real).map(with_real_id))


# --- The scope check -------------------------------------------------------------------------------------------------


def _returned(label: str, status: int, body) -> tuple[str, list[str]]:
    """Which model's records an answer shows, and their ids."""
    if status >= 300 or body is None:
        return "", []
    if label == "GET /api/v1/subjects/":
        return "subject", [row["id"] for row in body]
    if label == "GET /api/v1/subjects/{subject_id}/":
        return "subject", [body["subject"]["id"]]
    if label == "GET /api/v1/signals/":
        return "signal", [row["id"] for row in body["results"]]
    if label == "GET /api/v1/signals/{signal_id}/":
        return "signal", [body["signal"]["id"]]
    if label in ("POST /api/v1/signals/", "POST /api/v1/signals/{signal_id}/transitions/"):
        return "signal", [body["id"]]
    return "", []


def out_of_scope_ids(actor, label: str, status: int, url: str, body) -> list[str]:
    """The ids in an answer that visible_to does not grant the actor, for the purpose the API used."""
    from django.http import QueryDict

    from keten.identity.models import Subject
    from keten.intake.models import Signal
    from keten.policy.decisions import visible_to
    from keten.policy.purposes import default_purpose, purpose_for

    kind, ids = _returned(label, status, body)
    if not ids:
        return []
    if kind == "subject":
        purpose = purpose_for(actor.role, QueryDict(urlsplit(url).query).get("purpose"))
        model = Subject
    else:
        purpose, model = default_purpose(actor.role), Signal
    allowed = {str(pk) for pk in visible_to(actor, purpose, model.objects.filter(pk__in=ids))
               .values_list("pk", flat=True)}
    return [pk for pk in ids if str(pk) not in allowed]


# --- The engine ------------------------------------------------------------------------------------------------------


def _record_ids(actor) -> dict[str, tuple[list[str], list[str]]]:
    """Per record parameter: ids the actor may see (for its default purpose) and ids of any record, half each."""
    from django.apps import apps

    from keten.policy.decisions import visible_to
    from keten.policy.purposes import default_purpose

    def ids(queryset) -> list[str]:
        return [str(pk) for pk in queryset.order_by("pk").values_list("pk", flat=True)[:500]]

    return {name: (ids(visible_to(actor, default_purpose(actor.role), apps.get_model(model).objects.all())),
                   ids(apps.get_model(model).objects.all()))
            for name, model in RECORD_PARAMETERS.items()}


def fuzz_role(*, schema, app, membership, key: str, cases: int, seed: int = SEED) -> RoleReport:
    """Send at least `cases` generated requests (spread over the operations) as `membership`, checking each."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as fixed_seed
    from schemathesis.checks import not_a_server_error
    from schemathesis.core.failures import CustomFailure, FailureGroup, ServerError
    from schemathesis.specs.openapi.checks import response_schema_conformance

    from keten.accounts.actor import Actor

    actor = Actor.of(membership)
    report = RoleReport(role=membership.role)
    operations = [result.ok() for result in schema.get_all_operations()]
    record_ids = _record_ids(actor)
    headers = {"Authorization": f"Token {key}"}

    def scope_check(ctx, response, case):
        body = response.json() if response.status_code < 300 and response.content else None
        outside = out_of_scope_ids(actor, case.operation.label, response.status_code, response.request.url, body)
        report.out_of_scope += len(outside)
        assert not outside, f"{len(outside)} record(s) outside visible_to: {outside[:3]}"

    scope_check.__name__ = "no_record_outside_visible_to"

    def note(text: str) -> None:
        if len(report.failures) < KEPT * 3:
            report.failures.append(text)

    for round_number in range(20):  # an operation with few distinct requests runs out early; the others go on
        remaining = cases - report.cases
        if remaining <= 0:
            break
        per_operation = math.ceil(remaining / len(operations))
        for operation in operations:

            @fixed_seed(seed + round_number)
            @settings(max_examples=per_operation, database=None, deadline=None, derandomize=False,
                      phases=[Phase.generate], suppress_health_check=list(HealthCheck))
            @given(case=_strategy(operation, record_ids))
            def send(case):
                report.cases += 1
                try:
                    response = case.call(app=app, headers=headers)
                except Exception as error:  # noqa: BLE001 - an exception out of the app is a server error too
                    report.server_errors += 1
                    report.statuses.setdefault(case.operation.label, Counter())["exception"] += 1
                    note(f"{case.operation.label} raised {error!r}"[:2000])
                    return
                report.statuses.setdefault(case.operation.label, Counter())[response.status_code] += 1
                try:
                    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance,
                                                             scope_check], headers=headers)
                except FailureGroup as error:
                    for failure in error.exceptions:
                        if isinstance(failure, ServerError):
                            report.server_errors += 1
                        elif not isinstance(failure, CustomFailure):  # the scope check counted its own
                            report.schema_mismatches += 1
                    note(f"{case.operation.label} -> {response.status_code}: {error}"[:2000])

            send()
    return report


# --- The soak run ----------------------------------------------------------------------------------------------------


def _prepare() -> Path:
    """Production settings on a scratch SQLite database (or DATABASE_URL when set), with the demo world."""
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    scratch = Path(tempfile.mkdtemp(prefix="keten-soak-api-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="keten.settings", KETEN_VAR_DIR=str(scratch / "var"),
        KETEN_STATIC_ROOT=str(scratch / "static"), DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        KETEN_SSL_REDIRECT="0", KETEN_ALLOWED_HOSTS="localhost",
    )
    os.environ.pop("KETEN_DEV", None)
    import django

    django.setup()
    from django.core.management import call_command

    from keten.accounts.models import User
    from keten.demo.credentials import DemoCredentials
    from keten.demo.services import seed_demo

    for command in ("migrate", "createcachetable", "load_regions", "load_taxonomies", "load_indicators"):
        call_command(command, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # error pages name static files
    # Every refused request would log a warning; the report counts them instead. Server errors still log.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    memberships = seed_demo(credentials=DemoCredentials.generate())
    User.objects.filter(pk__in=[m.user_id for m in memberships]).update(is_demo=False)
    return scratch


def main() -> int:
    started = time.perf_counter()
    scratch = _prepare()
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    from keten.accounts.models import Membership
    from keten.demo.world import DEMO_USERS

    roles = {user.email: user.role for user in DEMO_USERS}
    memberships = [m for m in Membership.objects.filter(user__email__in=roles).select_related(
        "user", "organisation", "region") if roles[m.user.email] == m.role]
    app = WSGIHandler()
    keys = api_keys(memberships)
    schema = load_schema(app, keys[memberships[0].role])
    operations = len(list(schema.get_all_operations()))
    print(f"Fuzzing {operations} operations of /api/v1/ on {connection.vendor}, at least {CASES} cases per role "
          f"(seed {SEED}); world ready in {time.perf_counter() - started:.0f} s", flush=True)
    reports = []
    for membership in sorted(memberships, key=lambda m: m.role):
        begun = time.perf_counter()
        report = fuzz_role(schema=schema, app=app, membership=membership, key=keys[membership.role], cases=CASES)
        seconds = time.perf_counter() - begun
        print(f"{report.line()}   {seconds:.0f} s ({report.cases / seconds:.0f} cases/s)", flush=True)
        if os.environ.get("SOAK_API_DETAIL"):
            print(report.detail())
        for failure in report.failures[:KEPT]:
            print("    " + failure.replace("\n", "\n    "))
        reports.append(report)
    total = sum(r.cases for r in reports)
    bad = [r for r in reports if not r.clean]
    print(f"Total: {total} cases for {len(reports)} roles, {sum(r.server_errors for r in reports)} server errors, "
          f"{sum(r.schema_mismatches for r in reports)} schema mismatches, "
          f"{sum(r.out_of_scope for r in reports)} out-of-scope records; {time.perf_counter() - started:.0f} s")
    connection.close()
    shutil.rmtree(scratch, ignore_errors=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
