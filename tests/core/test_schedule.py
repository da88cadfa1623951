"""Periodic jobs: registered by each app's tasks.py, run together, isolated from
each other's failures."""

import pytest

from cocreate.core import schedule

pytestmark = pytest.mark.django_db


def test_run_jobs_discovers_and_runs_every_app_job():
    results = schedule.run_jobs()
    assert {"core.prune_rate_limits", "ideas.expire_overdue", "ideas.open_due_reviews"} <= set(
        results
    )
    assert results["ideas.expire_overdue"] == 0  # nothing is due in an empty database


def test_a_failing_job_does_not_stop_the_others(monkeypatch):
    ran = []

    def broken() -> None:
        raise RuntimeError("boom")

    monkeypatch.setitem(schedule.JOBS, "aaa.broken", broken)
    monkeypatch.setitem(schedule.JOBS, "zzz.after", lambda: ran.append(1) or "ok")
    results = schedule.run_jobs()
    assert results["aaa.broken"] == "failed"
    assert results["zzz.after"] == "ok"
    assert ran == [1]


def test_the_ticker_enqueues_the_periodic_task(monkeypatch):
    import threading

    from cocreate.core import tasks

    enqueued = threading.Event()

    class FakeTask:
        def enqueue(self) -> None:
            enqueued.set()

    monkeypatch.setattr(tasks, "run_periodic", FakeTask())
    schedule.start_ticker(interval=3600)
    assert enqueued.wait(timeout=30)  # the first tick comes at once, then hourly
