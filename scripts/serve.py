"""`make serve`: Keten as in production. Migrates and collects the static files, then runs gunicorn (several
workers, deploy/gunicorn.conf.py) and the tasks worker (`manage.py worker`) side by side. SIGTERM or SIGINT stops
both; when either ends on its own, the other is stopped too and this exits non-zero, so a supervisor restarts all.

Needs DATABASE_URL (PostgreSQL) and DJANGO_SECRET_KEY; refuses KETEN_DEV=1. `--no-migrate` leaves the migrations to
a separate release step (docs/operations.md: upgrades)."""

import argparse
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
#: How long a process may take to finish its requests or its current task after SIGTERM before it is killed.
STOP_GRACE_SECONDS = 40
POSTGRES_SCHEMES = ("postgres://", "postgresql://", "pgsql://", "postgis://")

logger = logging.getLogger("keten.serve")


def environment_problems(env: dict) -> list[str]:
    """What keeps Keten from starting in production mode, each with what to do about it."""
    problems = []
    url = env.get("DATABASE_URL", "")
    if not url:
        problems.append("DATABASE_URL is not set. `make serve` runs Keten as in production, on PostgreSQL: set "
                        "DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/NAME (`make run` is the SQLite development "
                        "server).")
    elif not url.startswith(POSTGRES_SCHEMES):
        problems.append("DATABASE_URL must name a PostgreSQL database (postgres://...) for `make serve`.")
    if not env.get("DJANGO_SECRET_KEY"):
        problems.append("DJANGO_SECRET_KEY is not set: generate one with `python -c 'import secrets; "
                        "print(secrets.token_urlsafe(64))'` and keep it secret (docs/operations.md).")
    if env.get("KETEN_DEV", "").strip().lower() in {"1", "true", "yes", "on"}:
        problems.append("KETEN_DEV is on: `make serve` runs the production settings (DEBUG off). Unset KETEN_DEV.")
    return problems


def _configure_logging(env: dict) -> None:
    handler = logging.StreamHandler()
    if env.get("KETEN_LOG_FORMAT", "json") == "json":
        from keten.web.logs import KetenJsonFormatter

        handler.setFormatter(KetenJsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def _metrics_dir(env: dict) -> tuple[Path, bool]:
    """The directory where gunicorn's processes keep their metric files, emptied: counts of an earlier run must not
    add up with this one's. Returns it and whether it is ours to remove at the end."""
    if configured := env.get("PROMETHEUS_MULTIPROC_DIR"):
        path = Path(configured)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):
            stale.unlink()
        return path, False
    return Path(tempfile.mkdtemp(prefix="keten-metrics-")), True


def _manage(*args: str) -> list[str]:
    return [sys.executable, str(ROOT / "manage.py"), *args]


def prepare(env: dict, migrate: bool) -> int:
    """Migrations (and the cache table) and collectstatic, side by side: one needs the database, the other the disk."""
    # Every command here is this interpreter with fixed arguments (S603: no untrusted input).
    steps = [subprocess.Popen(_manage("collectstatic", "--noinput", "--verbosity", "0"), cwd=ROOT, env=env)]  # noqa: S603
    if migrate:
        steps.append(subprocess.Popen(_manage("migrate", "--noinput"), cwd=ROOT, env=env))  # noqa: S603
    codes = [step.wait() for step in steps]
    if migrate and not any(codes):
        created = subprocess.run(_manage("createcachetable"), cwd=ROOT, env=env, check=False)  # noqa: S603
        codes.append(created.returncode)
    return max(codes)


class Processes:
    """The running processes by name; stopping sends SIGTERM to each, waits, and kills what is left."""

    def __init__(self):
        self.running: dict[str, subprocess.Popen] = {}
        self.stopping = False

    def start(self, name: str, command: list[str], env: dict) -> None:
        # In their own process group: a Ctrl-C in the terminal reaches them once, forwarded from here.
        self.running[name] = subprocess.Popen(command, cwd=ROOT, env=env, process_group=0)  # noqa: S603
        logger.info("started %s (pid %s)", name, self.running[name].pid)

    def ended(self) -> tuple[str, int] | None:
        for name, process in self.running.items():
            if (code := process.poll()) is not None:
                return name, code
        return None

    def stop(self) -> dict[str, int]:
        self.stopping = True
        for process in self.running.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        codes = {}
        for name, process in self.running.items():
            try:
                codes[name] = process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                logger.warning("%s did not stop within %s s; killed", name, STOP_GRACE_SECONDS)
                process.kill()
                codes[name] = process.wait()
        return codes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-migrate", action="store_true", help="do not migrate first (a release step does)")
    options = parser.parse_args(argv)

    env = dict(os.environ)
    _configure_logging(env)
    if problems := environment_problems(env):
        for problem in problems:
            print(f"make serve: {problem}", file=sys.stderr)
        return 2
    env["KETEN_DEV"] = "0"
    env.setdefault("DJANGO_SETTINGS_MODULE", "keten.settings")
    metrics_dir, own_metrics_dir = _metrics_dir(env)
    env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)

    processes = Processes()
    stop_requested = []

    def request_stop(signum, _frame):
        stop_requested.append(signum)

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    try:
        if code := prepare(env, migrate=not options.no_migrate):
            logger.error("preparing failed (exit code %s); not starting", code)
            return code
        if stop_requested:
            return 0
        processes.start("web", [sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_CONF)], env)
        processes.start("worker", _manage("worker", "--no-reload"), env)
        while not stop_requested and (ended := processes.ended()) is None:
            time.sleep(0.2)
        if stop_requested:
            logger.info("received %s; stopping web and worker", signal.Signals(stop_requested[0]).name)
            codes = processes.stop()
            logger.info("stopped: %s", ", ".join(f"{name} exit code {code}" for name, code in codes.items()))
            return 0
        name, code = ended
        logger.error("%s ended (exit code %s); stopping the rest", name, code)
        processes.stop()
        return code or 1
    finally:
        if processes.running and not processes.stopping:
            processes.stop()
        if own_metrics_dir:
            shutil.rmtree(metrics_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
