"""Sending deliveries: signed POSTs, retried with exponential backoff for
WEBHOOK_RETRY_WINDOW, endpoints disabled after failing for WEBHOOK_DISABLE_AFTER.

Receivers verify `X-Cocreate-Signature: sha256=<hex>`, the HMAC-SHA256 of the raw
request body keyed with the endpoint's secret (docs/webhooks.md)."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import logging
import socket
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from cocreate.core import events
from cocreate.webhooks.models import Delivery, DeliveryStatus, Endpoint

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Cocreate-Signature"
EVENT_HEADER = "X-Cocreate-Event"
DELIVERY_HEADER = "X-Cocreate-Delivery"
# A claimed delivery is not picked up by another worker for this long.
LEASE = timedelta(minutes=2)
BATCH = 50


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes after the 1st, 2nd, 3rd failed attempt, at most
    WEBHOOK_MAX_BACKOFF apart: about 13 attempts in 24 hours."""
    seconds = 60 * 2 ** max(attempts - 1, 0)
    return min(timedelta(seconds=seconds), settings.WEBHOOK_MAX_BACKOFF)


class Refused(Exception):
    """The URL may not be called (internal address in production)."""


def check_destination(url: str) -> None:
    """Production refuses plain http and addresses inside the network (loopback,
    private, link-local ...), resolved now, so a webhook cannot probe the
    server's own network."""
    if settings.WEBHOOK_ALLOW_INTERNAL:
        return
    try:
        parts = urlsplit(url)
        port = parts.port or 443
    except ValueError as exc:  # a malformed host or port
        raise Refused("the address is malformed") from exc
    if parts.scheme != "https":
        raise Refused("only https URLs are allowed")
    try:
        infos = socket.getaddrinfo(parts.hostname or "", port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise Refused(f"cannot resolve {parts.hostname}") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise Refused(f"{parts.hostname} resolves to an internal address")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect is an answer (3xx), and counts as a failure


_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


def post(endpoint: Endpoint, delivery: Delivery) -> tuple[int | None, str, str]:
    """POST the delivery; returns (status or None, response excerpt, error)."""
    body = delivery.body.encode()
    request = urllib.request.Request(  # noqa: S310 - http(s) only, checked when saved
        endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "cocreate-webhooks/1",
            EVENT_HEADER: delivery.kind,
            DELIVERY_HEADER: str(delivery.pk),
            SIGNATURE_HEADER: sign(endpoint.secret, body),
        },
    )
    try:
        check_destination(endpoint.url)
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            return response.status, response.read(500).decode(errors="replace"), ""
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(500).decode(errors="replace"), f"HTTP {exc.code}"
    except Refused as exc:
        return None, "", str(exc)[:300]
    except urllib.error.URLError as exc:  # the reason is the useful part
        reason = exc.reason
        return None, "", f"{type(reason).__name__}: {reason}"[:300]
    except (OSError, ValueError, http.client.HTTPException) as exc:
        # refused, reset, timed out, not HTTP at all, a URL urllib cannot send
        return None, "", f"{type(exc).__name__}: {exc}"[:300]


def attempt(delivery: Delivery, now: datetime | None = None) -> bool:
    """One attempt at a claimed delivery; records the outcome. Returns success."""
    started = time.monotonic()
    status, excerpt, error = post(delivery.endpoint, delivery)
    took = int((time.monotonic() - started) * 1000)
    return record(delivery, now or timezone.now(), status, excerpt, error, took)


def record(
    delivery: Delivery,
    now: datetime,
    status: int | None,
    excerpt: str,
    error: str,
    took: int | None = None,
) -> bool:
    """Write down how an attempt went: the delivery's next step, and the endpoint's
    failure streak (which may switch it off). Returns whether it succeeded."""
    endpoint = delivery.endpoint
    ok = status is not None and 200 <= status < 300
    fields: dict[str, Any] = {
        "attempts": F("attempts") + 1,
        "last_attempt_at": now,
        "response_status": status,
        # A receiver's answer is any bytes; PostgreSQL text cannot hold NUL.
        "response_excerpt": excerpt.replace("\x00", "\ufffd")[:500],
        "error": error.replace("\x00", "\ufffd"),
        "duration_ms": took,
    }
    if ok:
        fields.update(status=DeliveryStatus.SUCCEEDED, delivered_at=now, next_attempt_at=None)
    elif now - delivery.started_at >= settings.WEBHOOK_RETRY_WINDOW:
        fields.update(status=DeliveryStatus.FAILED, next_attempt_at=None)
    else:
        fields.update(next_attempt_at=now + backoff(delivery.attempts + 1))
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(**fields)
        if ok:
            Endpoint.objects.filter(pk=endpoint.pk).update(
                failure_streak=0, failing_since=None, last_success_at=now
            )
        else:
            Endpoint.objects.filter(pk=endpoint.pk).update(
                failure_streak=F("failure_streak") + 1,
                failing_since=Coalesce(F("failing_since"), now),
            )
            _disable_if_failing(endpoint.pk, now)
    return ok


def _disable_if_failing(endpoint_id: int, now: datetime) -> None:
    """Disable (once: a conditional update) an endpoint that has failed for
    WEBHOOK_DISABLE_AFTER without a success; its pending deliveries give up. The
    event tells the creator by email (webhooks consumer)."""
    disabled = Endpoint.objects.filter(
        pk=endpoint_id,
        active=True,
        failure_streak__gte=settings.WEBHOOK_DISABLE_MIN_FAILURES,
        failing_since__lte=now - settings.WEBHOOK_DISABLE_AFTER,
    ).update(
        active=False,
        disabled_at=now,
        disabled_reason="failed for 24 hours without a successful delivery",
    )
    if not disabled:
        return
    Delivery.objects.filter(endpoint_id=endpoint_id, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED, next_attempt_at=None, error="endpoint disabled"
    )
    endpoint = Endpoint.objects.select_related("community").get(pk=endpoint_id)
    events.record(
        "webhook.disabled",
        community=endpoint.community,
        target=endpoint,
        url=endpoint.url,
        failures=endpoint.failure_streak,
    )


def send_due(now: datetime | None = None, limit: int = BATCH) -> int:
    """Attempt every delivery whose time has come (on active endpoints). Each is
    claimed with a conditional update first, so two workers never send it twice at
    once. Returns how many were attempted."""
    now = now or timezone.now()
    due = list(
        Delivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=now, endpoint__active=True
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    attempted = 0
    for pk in due:
        claimed = Delivery.objects.filter(
            pk=pk, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
        ).update(next_attempt_at=now + LEASE)
        if not claimed:
            continue
        delivery = Delivery.objects.select_related("endpoint").get(pk=pk)
        try:
            attempt(delivery, now)
        except Exception:  # one broken delivery must not stop the rest, nor loop
            log.exception("webhook delivery %s failed unexpectedly", pk)
            record(delivery, now, None, "", "internal error while sending (see the server log)")
        attempted += 1
    return attempted
