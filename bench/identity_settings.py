"""Settings for bench_identity: Keten's production settings plus a route that reads identity unguarded."""

from keten.settings import *  # noqa: F403

ROOT_URLCONF = "bench.identity_urls"
