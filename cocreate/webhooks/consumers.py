"""The webhooks consumer: queues a delivery of each subscribed event for each
active endpoint of the community (and of its parent, for a circle's events), and
emails an endpoint's creator when it is disabled."""

from __future__ import annotations

import uuid

from django.db import transaction

from cocreate.communities.models import Community, Membership, Role
from cocreate.core import mail
from cocreate.core.consumers import consumer
from cocreate.core.models import Event
from cocreate.webhooks import payloads
from cocreate.webhooks.models import Delivery, Endpoint, EventKind


def queue(event: Event) -> None:
    community = Community.objects.filter(pk=event.community_id or 0).first()
    if community is None:
        return
    endpoints = [
        e
        for e in Endpoint.objects.filter(
            community_id__in=[community.pk, community.parent_id or 0],
            active=True,
            # An endpoint hears of what happens from its registration on.
            created_at__lte=event.created_at,
        ).select_related("community")
        if event.kind in e.kinds
    ]
    if not endpoints:
        return
    about = payloads.about(event)
    if about is None:
        return  # gone, hidden or removed by now: nothing is sent
    rows = []
    for endpoint in endpoints:
        delivery_id = uuid.uuid4()
        body = payloads.envelope(
            event.kind,
            str(delivery_id),
            endpoint.community,
            event.created_at,
            event_id=event.pk,
            actor=payloads.person(event.actor),
            # A circle's event, sent to its parent community's endpoint, says where.
            circle={"slug": community.slug, "name": community.name}
            if community.pk != endpoint.community_id
            else None,
            **about,
        )
        rows.append(
            Delivery(
                id=delivery_id,
                endpoint=endpoint,
                event=event,
                kind=event.kind,
                body=body,
                next_attempt_at=event.created_at,
                started_at=event.created_at,
            )
        )
    # Unique per endpoint and event: running this twice queues nothing more.
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    from cocreate.webhooks.tasks import deliver_webhooks

    transaction.on_commit(deliver_webhooks.enqueue)


def tell_disabled(event: Event) -> None:
    endpoint = (
        Endpoint.objects.select_related("community", "created_by")
        .filter(pk=event.target_id or 0)
        .first()
    )
    if endpoint is None:
        return
    people = [endpoint.created_by] if endpoint.created_by and endpoint.created_by.is_active else []
    if not people:  # the creator left: the community's owners (a circle's: its parent's)
        community = endpoint.community
        people = [
            m.user
            for m in Membership.objects.filter(
                community_id__in=[community.pk, community.parent_id or 0],
                role=Role.OWNER,
                user__is_active=True,
            ).select_related("user")
        ]
    for person in people:
        mail.send(
            person.email,
            "webhook_disabled",
            {"endpoint": endpoint, "community": endpoint.community, "person": person},
            person.language,
        )


@consumer("webhooks", kinds=[*EventKind.values, "webhook.disabled"])
def handle(event: Event) -> None:
    if event.kind == "webhook.disabled":
        tell_disabled(event)
    else:
        queue(event)
