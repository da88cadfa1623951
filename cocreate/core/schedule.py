"""Periodic jobs. Each worker process starts a small thread that enqueues the
`run_periodic` task once a minute; the task runs every registered job. Jobs are
idempotent (they act on what is due *now*), so several workers enqueueing the same
minute do no harm.

Apps register jobs in their tasks.py with @periodic("name")."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

JOBS: dict[str, Callable[[], object]] = {}
INTERVAL_SECONDS = 60


def periodic(name: str) -> Callable[[Callable[[], object]], Callable[[], object]]:
    def register(fn: Callable[[], object]) -> Callable[[], object]:
        JOBS[name] = fn
        return fn

    return register


def run_jobs() -> dict[str, object]:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("tasks")  # each app's tasks.py registers its jobs
    results: dict[str, object] = {}
    for name, job in sorted(JOBS.items()):
        try:
            results[name] = job()
        except Exception:  # one failing job must not stop the others
            log.exception("periodic job %s failed", name)
            results[name] = "failed"
    return results


def start_ticker(interval: float = INTERVAL_SECONDS) -> threading.Thread:
    """Enqueue run_periodic now and then every `interval` seconds, in a daemon thread."""
    from django.db import close_old_connections

    from cocreate.core.tasks import run_periodic

    def tick() -> None:
        stop = threading.Event()
        while not stop.is_set():
            try:
                run_periodic.enqueue()
            except Exception:
                log.exception("could not enqueue the periodic jobs")
            finally:
                close_old_connections()
            stop.wait(interval)

    thread = threading.Thread(target=tick, name="cocreate-ticker", daemon=True)
    thread.start()
    return thread
