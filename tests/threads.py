"""Running work in parallel threads for concurrency tests."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection


def run_at_once(n: int, work: Callable[[int], Any]) -> list[Any]:
    """Run work(i) for i in range(n) in n threads released together; each thread has
    its own database connection, closed when it ends. Returns each result or the
    exception it raised."""
    start = threading.Barrier(n)
    results: list[Any] = [None] * n

    def target(i: int) -> None:
        try:
            start.wait(timeout=30)
            results[i] = work(i)
        except BaseException as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread did not finish"
    return results
