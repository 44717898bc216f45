"""deploy/gunicorn.conf.py: the shape of the web processes, as measured (docs/operations.md), and each part of it
settable from the environment."""

import os
import runpy
from pathlib import Path

import pytest

CONFIG = Path(__file__).resolve().parent.parent / "deploy" / "gunicorn.conf.py"
SHAPE = ("KETEN_WEB_WORKERS", "KETEN_WEB_THREADS", "KETEN_WEB_WORKER_CONNECTIONS")


@pytest.fixture
def config(monkeypatch):
    for name in SHAPE:
        monkeypatch.delenv(name, raising=False)

    def read(**env):
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(CONFIG))

    return read


def test_one_process_per_core_four_threads_and_twice_as_many_connections_as_threads(config):
    shape = config()
    assert (shape["workers"], shape["threads"], shape["worker_connections"]) == (max(2, os.cpu_count() or 2), 4, 8)
    assert shape["worker_class"] == "gthread" and shape["keepalive"]


def test_the_connections_follow_the_threads_unless_set(config):
    assert config(KETEN_WEB_THREADS="3")["worker_connections"] == 6
    assert config(KETEN_WEB_THREADS="3", KETEN_WEB_WORKER_CONNECTIONS="20")["worker_connections"] == 20
