"""Every write to webhooks: endpoints (register, change, rotate the secret,
delete), test deliveries and redeliveries. Community staff and owners only."""

from __future__ import annotations

import secrets
import uuid
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreate.core import events
from cocreate.core.errors import Conflict, Invalid
from cocreate.core.permissions import require
from cocreate.core.validation import clean_text
from cocreate.webhooks import payloads
from cocreate.webhooks.delivery import Refused, check_destination
from cocreate.webhooks.models import PING, Delivery, DeliveryStatus, Endpoint, EventKind

MAX_ENDPOINTS = 20


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def _clean_url(url: Any) -> str:
    url = clean_text(url, "url", max_length=500, required=True)
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise Invalid(fields={"url": _("A URL cannot contain spaces or control characters.")})
    try:
        parts = urlsplit(url)
        valid = parts.scheme in {"http", "https"} and bool(parts.hostname) and parts.port != 0
    except ValueError:  # a malformed host ("[::1") or port ("99999")
        valid = False
    if not valid:
        raise Invalid(fields={"url": _("Enter an http or https URL.")})
    try:
        check_destination(url)
    except Refused as exc:
        raise Invalid(
            fields={"url": _("This address is not allowed: %(why)s.") % {"why": exc}}
        ) from exc
    return url


def _clean_kinds(kinds: Any) -> list[str]:
    if not isinstance(kinds, list | tuple) or not kinds:
        raise Invalid(fields={"kinds": _("Choose at least one event.")})
    unknown = [k for k in kinds if k not in EventKind.values]
    if unknown:
        raise Invalid(
            fields={
                "kinds": _("Unknown events: %(kinds)s. Choose from: %(all)s.")
                % {"kinds": ", ".join(map(str, unknown)), "all": ", ".join(EventKind.values)}
            }
        )
    return [k for k in EventKind.values if k in kinds]  # one order, no repeats


def create_endpoint(
    actor: Any, community: Any, *, url: str, kinds: list[str], description: str = ""
) -> Endpoint:
    """The new endpoint carries its secret in full; show it now, it is not shown again."""
    require(actor, "webhook.manage", community)
    url, kinds = _clean_url(url), _clean_kinds(kinds)
    description = clean_text(description, "description", max_length=200)
    with transaction.atomic():
        # Counted under the community's row lock, so racing requests cannot pass the cap.
        type(community).objects.select_for_update().filter(pk=community.pk).exists()
        if Endpoint.objects.filter(community=community).count() >= MAX_ENDPOINTS:
            raise Conflict(
                _("A community can have at most %(n)d webhook endpoints.") % {"n": MAX_ENDPOINTS}
            )
        endpoint = Endpoint.objects.create(
            community=community,
            url=url,
            kinds=kinds,
            description=description,
            secret=new_secret(),
            created_by=actor,
        )
        events.record(
            "webhook.created",
            actor=actor,
            community=community,
            target=endpoint,
            url=url,
            kinds=kinds,
        )
    return endpoint


def update_endpoint(
    actor: Any,
    endpoint: Endpoint,
    *,
    url: str | None = None,
    kinds: list[str] | None = None,
    description: str | None = None,
    active: bool | None = None,
) -> Endpoint:
    """Turning a disabled endpoint back on starts it afresh (no failures counted)."""
    require(actor, "webhook.manage", endpoint.community)
    changes: dict[str, Any] = {}
    if url is not None:
        changes["url"] = _clean_url(url)
    if kinds is not None:
        changes["kinds"] = _clean_kinds(kinds)
    if description is not None:
        changes["description"] = clean_text(description, "description", max_length=200)
    if active is not None and active != endpoint.active:
        changes["active"] = active
        if active:
            changes.update(
                failure_streak=0, failing_since=None, disabled_at=None, disabled_reason=""
            )
    if not changes:
        return endpoint
    with transaction.atomic():
        Endpoint.objects.filter(pk=endpoint.pk).update(**changes)
        events.record(
            "webhook.changed",
            actor=actor,
            community=endpoint.community,
            target=endpoint,
            fields=sorted(changes),
        )
    endpoint.refresh_from_db()
    return endpoint


def rotate_secret(actor: Any, endpoint: Endpoint) -> Endpoint:
    require(actor, "webhook.manage", endpoint.community)
    with transaction.atomic():
        Endpoint.objects.filter(pk=endpoint.pk).update(secret=new_secret())
        events.record(
            "webhook.secret_rotated", actor=actor, community=endpoint.community, target=endpoint
        )
    endpoint.refresh_from_db()
    return endpoint


def delete_endpoint(actor: Any, endpoint: Endpoint) -> None:
    require(actor, "webhook.manage", endpoint.community)
    with transaction.atomic():
        events.record(
            "webhook.deleted",
            actor=actor,
            community=endpoint.community,
            target=endpoint,
            url=endpoint.url,
        )
        endpoint.delete()


def _enqueue_sending() -> None:
    from cocreate.webhooks.tasks import deliver_webhooks

    transaction.on_commit(deliver_webhooks.enqueue)


def send_test(actor: Any, endpoint: Endpoint) -> Delivery:
    """A "ping" delivery, signed like any other, to check the receiver."""
    require(actor, "webhook.manage", endpoint.community)
    if not endpoint.active:
        raise Conflict(_("Turn the endpoint on first."))
    delivery_id = uuid.uuid4()
    now = timezone.now()
    body = payloads.envelope(
        PING,
        str(delivery_id),
        endpoint.community,
        now,
        endpoint={"id": endpoint.pk, "url": endpoint.url, "kinds": endpoint.kinds},
    )
    with transaction.atomic():
        delivery = Delivery.objects.create(
            id=delivery_id,
            endpoint=endpoint,
            kind=PING,
            body=body,
            next_attempt_at=now,
            started_at=now,
        )
        _enqueue_sending()
    return delivery


def redeliver(actor: Any, delivery: Delivery) -> Delivery:
    """Try a delivery again now, with a fresh retry window (same body and id)."""
    endpoint = delivery.endpoint
    require(actor, "webhook.manage", endpoint.community)
    if not endpoint.active:
        raise Conflict(_("Turn the endpoint on first."))
    now = timezone.now()
    with transaction.atomic():
        updated = (
            Delivery.objects.filter(pk=delivery.pk)
            .exclude(status=DeliveryStatus.PENDING)
            .update(status=DeliveryStatus.PENDING, next_attempt_at=now, started_at=now, attempts=0)
        )
        if not updated:
            raise Conflict(_("This delivery is already waiting to be sent."))
        events.record(
            "webhook.redelivered",
            actor=actor,
            community=endpoint.community,
            target=endpoint,
            delivery=str(delivery.pk),
        )
        _enqueue_sending()
    delivery.refresh_from_db()
    return delivery
