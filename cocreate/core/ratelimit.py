"""Fixed-window rate limits stored in the database, so every server process and
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


def hit(key: str, limit: int, seconds: int, *, now: datetime | None = None) -> int:
    """Count one use of `key`; raise RateLimited when it exceeds `limit` in the
    current window of `seconds`. Returns the count including this use."""
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
    if count > limit:
        retry = (start + timedelta(seconds=seconds) - now).total_seconds()
        raise RateLimited(retry_after=int(retry) + 1)
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
