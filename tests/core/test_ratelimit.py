"""cocreate.core.ratelimit: fixed-window counters in the database, shared by every
process. Counts per key and window, refuses past the limit with a Retry-After,
starts afresh in the next window, and never loses a count under concurrency."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cocreate.core import ratelimit
from cocreate.core.errors import RateLimited
from cocreate.core.models import RateBucket
from tests.threads import run_at_once

# 10 seconds into a 60-second window (the epoch is a multiple of 60 s).
T0 = datetime(2026, 3, 1, 12, 0, 10, tzinfo=UTC)


@pytest.mark.django_db
class TestCounting:
    def test_hits_count_up_per_key(self):
        assert [ratelimit.hit("k:a", 10, 60, now=T0) for _ in range(3)] == [1, 2, 3]
        assert ratelimit.hit("k:b", 10, 60, now=T0) == 1
        assert ratelimit.peek("k:a", 60, now=T0) == 3
        assert ratelimit.peek("k:b", 60, now=T0) == 1

    def test_hits_within_one_window_share_a_counter(self):
        ratelimit.hit("k", 10, 60, now=T0)
        ratelimit.hit("k", 10, 60, now=T0 + timedelta(seconds=49))
        assert ratelimit.peek("k", 60, now=T0 + timedelta(seconds=20)) == 2
        assert RateBucket.objects.filter(key="k").count() == 1

    def test_the_hit_at_the_limit_is_allowed(self):
        counts = [ratelimit.hit("k", 3, 60, now=T0) for _ in range(3)]
        assert counts == [1, 2, 3]

    def test_the_hit_past_the_limit_raises_rate_limited_with_retry_after(self):
        for _ in range(3):
            ratelimit.hit("k", 3, 60, now=T0)
        with pytest.raises(RateLimited) as caught:
            ratelimit.hit("k", 3, 60, now=T0)
        # 50 seconds are left in the window.
        assert 50 <= caught.value.retry_after <= 51
        assert caught.value.status == 429
        assert caught.value.as_json()["error"]["code"] == "rate_limited"

    def test_retry_after_is_positive_even_at_the_very_end_of_a_window(self):
        end = T0 + timedelta(seconds=49, microseconds=999_999)
        ratelimit.hit("k", 1, 60, now=end)
        with pytest.raises(RateLimited) as caught:
            ratelimit.hit("k", 1, 60, now=end)
        assert caught.value.retry_after >= 1

    def test_refusals_keep_refusing_until_the_window_ends(self):
        ratelimit.hit("k", 1, 60, now=T0)
        for seconds in (1, 20, 49):
            with pytest.raises(RateLimited):
                ratelimit.hit("k", 1, 60, now=T0 + timedelta(seconds=seconds))

    def test_a_new_window_starts_afresh(self):
        for _ in range(2):
            ratelimit.hit("k", 2, 60, now=T0)
        with pytest.raises(RateLimited):
            ratelimit.hit("k", 2, 60, now=T0)
        next_window = T0 + timedelta(seconds=50)
        assert ratelimit.hit("k", 2, 60, now=next_window) == 1
        assert ratelimit.peek("k", 60, now=next_window) == 1

    def test_other_keys_are_not_limited_by_a_full_one(self):
        ratelimit.hit("login:ip:1.2.3.4", 1, 60, now=T0)
        with pytest.raises(RateLimited):
            ratelimit.hit("login:ip:1.2.3.4", 1, 60, now=T0)
        assert ratelimit.hit("login:ip:5.6.7.8", 1, 60, now=T0) == 1


@pytest.mark.django_db
class TestPeekResetPrune:
    def test_peek_does_not_count(self):
        ratelimit.hit("k", 5, 60, now=T0)
        assert ratelimit.peek("k", 60, now=T0) == 1
        assert ratelimit.peek("k", 60, now=T0) == 1
        assert ratelimit.hit("k", 5, 60, now=T0) == 2

    def test_peek_of_an_unknown_key_or_a_later_window_is_zero(self):
        ratelimit.hit("k", 5, 60, now=T0)
        assert ratelimit.peek("unknown", 60, now=T0) == 0
        assert ratelimit.peek("k", 60, now=T0 + timedelta(minutes=5)) == 0
        assert not RateBucket.objects.filter(key="unknown").exists()

    def test_reset_clears_every_window_of_one_key_only(self):
        for now in (T0, T0 + timedelta(minutes=1), T0 + timedelta(minutes=2)):
            ratelimit.hit("k", 5, 60, now=now)
        ratelimit.hit("other", 5, 60, now=T0)
        ratelimit.reset("k")
        assert not RateBucket.objects.filter(key="k").exists()
        assert ratelimit.peek("other", 60, now=T0) == 1
        assert ratelimit.hit("k", 5, 60, now=T0) == 1

    def test_reset_lifts_a_limit(self):
        ratelimit.hit("k", 1, 60, now=T0)
        with pytest.raises(RateLimited):
            ratelimit.hit("k", 1, 60, now=T0)
        ratelimit.reset("k")
        assert ratelimit.hit("k", 1, 60, now=T0) == 1

    def test_prune_drops_old_windows_and_keeps_recent_ones(self):
        from django.utils import timezone

        now = timezone.now()
        ratelimit.hit("old", 5, 60, now=now - timedelta(days=2))
        ratelimit.hit("recent", 5, 60, now=now)
        assert ratelimit.prune() == 1
        assert list(RateBucket.objects.values_list("key", flat=True)) == ["recent"]


THREADS = 8
HITS = 25


@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_never_lose_a_count():
    def work(_i: int) -> list[int]:
        return [ratelimit.hit("shared", 10_000, 3600, now=T0) for _ in range(HITS)]

    results = run_at_once(THREADS, work)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == []
    assert ratelimit.peek("shared", 3600, now=T0) == THREADS * HITS
    # Each hit saw its own increment: the counts handed out are exactly 1..N*M.
    handed_out = sorted(count for counts in results for count in counts)
    assert handed_out == list(range(1, THREADS * HITS + 1))
    assert RateBucket.objects.filter(key="shared").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_admit_exactly_the_limit():
    limit = 30

    def work(_i: int) -> tuple[int, int]:
        admitted = refused = 0
        for _ in range(HITS):
            try:
                ratelimit.hit("tight", limit, 3600, now=T0)
                admitted += 1
            except RateLimited:
                refused += 1
        return admitted, refused

    results = run_at_once(THREADS, work)
    assert [r for r in results if isinstance(r, BaseException)] == []
    assert sum(a for a, _r in results) == limit
    assert sum(r for _a, r in results) == THREADS * HITS - limit
    assert ratelimit.peek("tight", 3600, now=T0) == THREADS * HITS
