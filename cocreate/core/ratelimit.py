"""Fixed- and sliding-window rate limits stored in the database, so every server process and
worker shares them. The counter is bumped with F() on a unique (key, window) row:
the increment itself decides, never a read followed by a write."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from cocreate.core.errors import RateLimited
from cocreate.core.models import RateBucket


def _window(seconds: int, now: datetime) -> datetime:
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=UTC)


def hit(
    key: str, limit: int, seconds: int, *, now: datetime | None = None, sliding: bool = False
) -> int:
    """Count one use of `key`; raise RateLimited when it exceeds `limit` in the
    current window of `seconds`. Returns the count including this use.

    With `sliding`, the previous window still counts in proportion to how much of it
    lies within the last `seconds` (the usual sliding-window estimate), so a burst
    straddling a window boundary cannot get twice the allowance."""
    now = now or timezone.now()
    start = _window(seconds, now)
    with transaction.atomic():
        updated = RateBucket.objects.filter(key=key, window_start=start).update(
            count=F("count") + 1
        )
        if not updated:
            try:
                with transaction.atomic():
                    RateBucket.objects.create(key=key, window_start=start, count=1)
            except IntegrityError:
                RateBucket.objects.filter(key=key, window_start=start).update(count=F("count") + 1)
        count = RateBucket.objects.get(key=key, window_start=start).count
        previous = 0
        if sliding:
            before = start - timedelta(seconds=seconds)
            previous = (
                RateBucket.objects.filter(key=key, window_start=before)
                .values_list("count", flat=True)
                .first()
            ) or 0
    elapsed = (now - start).total_seconds()
    weight = max(0.0, 1 - elapsed / seconds)
    if count + previous * weight > limit:
        if count > limit or previous == 0:
            retry = seconds - elapsed
        else:
            # When enough of the previous window has slid out for this use to fit.
            retry = seconds * (1 - (limit - count) / previous) - elapsed
        raise RateLimited(retry_after=int(max(retry, 0)) + 1)
    return count


def peek(key: str, seconds: int, *, now: datetime | None = None) -> int:
    now = now or timezone.now()
    bucket = RateBucket.objects.filter(key=key, window_start=_window(seconds, now)).first()
    return bucket.count if bucket else 0


def reset(key: str) -> None:
    RateBucket.objects.filter(key=key).delete()


def prune(older_than: timedelta = timedelta(days=1)) -> int:
    deleted, _ = RateBucket.objects.filter(window_start__lt=timezone.now() - older_than).delete()
    return deleted


def client_ip(request) -> str:  # type: ignore[no-untyped-def]
    # Behind a proxy set TRUSTED_PROXY_HEADER; REMOTE_ADDR is used otherwise.
    from django.conf import settings

    header = getattr(settings, "TRUSTED_PROXY_HEADER", "")
    if header and (value := request.META.get(header)):
        return value.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"
