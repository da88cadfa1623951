"""Grid rows for webhooks (community staff's endpoints, their delivery log, test
deliveries, secrets and redeliveries; pages and API).

One rule covers every route: "webhook.manage" on the endpoint's community, that is
MANAGERS of pub (its owner and staff, and site staff) for pub and its circles (the
active one and the proposed one, managed through their parent), only site staff for
the private community and `other`; always with a confirmed email address (rows
"unconfirmed email address"). Everyone else is refused: pages with 403 (anonymous
users are sent to log in; an unknown delivery is a 404), the API with 404 for an
endpoint or delivery they cannot manage (outsiders cannot tell whether it exists),
401 when anonymous, and 403 (or 404 for a community they cannot see) on a
community's list and registration.

The `endpoints` setup gives pub, the circle, the private community and `other` one
active endpoint each (pointing at a refused loopback port: sending happens only
after a commit, which the grid never makes), with a failed and a succeeded delivery,
and pub a disabled endpoint, so every allowed write has something to change.
"""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

from django.utils import timezone

from cocreate.webhooks.models import Delivery, DeliveryStatus, Endpoint, EventKind
from tests.core.grid_data import (
    MANAGERS,
    NOBODY,
    SITE_STAFF,
    Case,
    Scenario,
    api,
    page,
    unconfirmed_actor,
)

DEAD_URL = "http://127.0.0.1:9/hook"  # a refused loopback port
PLACES = ("pub", "circle", "priv", "other")


# --- setups ------------------------------------------------------------------------------------


def endpoints(s: Scenario) -> None:
    """An active endpoint for pub, the circle, the private community and `other`
    (described "grid <place>"), each with a failed and a succeeded delivery; and a
    disabled one for pub ("grid pub disabled")."""
    now = timezone.now()
    made = Endpoint.objects.bulk_create(
        [
            Endpoint(
                community=getattr(s, place),
                url=DEAD_URL,
                description=f"grid {place}",
                kinds=[EventKind.IDEA_SUBMITTED, EventKind.COMMENT_POSTED],
                secret=f"whsec_grid-{place}-0123456789abcdef",
                created_by=s.staff2,
            )
            for place in PLACES
        ]
        + [
            Endpoint(
                community=s.pub,
                url=DEAD_URL,
                description="grid pub disabled",
                kinds=[EventKind.STAGE_CHANGED],
                secret="whsec_grid-disabled-0123456789abcdef",
                active=False,
                created_by=s.staff2,
                failure_streak=13,
                failing_since=now - timedelta(days=2),
                disabled_at=now - timedelta(hours=1),
                disabled_reason="Failed for 24 hours.",
            )
        ]
    )
    deliveries = []
    for endpoint in made:
        for status, answer in ((DeliveryStatus.FAILED, 500), (DeliveryStatus.SUCCEEDED, 200)):
            delivery_id = uuid.uuid4()
            deliveries.append(
                Delivery(
                    id=delivery_id,
                    endpoint=endpoint,
                    kind="ping",
                    body=json.dumps({"id": str(delivery_id), "kind": "ping"}),
                    status=status,
                    attempts=13 if status == DeliveryStatus.FAILED else 1,
                    started_at=now - timedelta(days=2),
                    last_attempt_at=now - timedelta(days=1),
                    response_status=answer,
                    response_excerpt=f"answered {answer}",
                    duration_ms=12,
                    delivered_at=now - timedelta(days=2) if answer == 200 else None,
                )
            )
    Delivery.objects.bulk_create(deliveries)


def endpoints_unconfirmed(s: Scenario) -> None:
    endpoints(s)
    unconfirmed_actor(s)


def _endpoint_id(place: str) -> int:
    return Endpoint.objects.values_list("pk", flat=True).get(description=f"grid {place}")


def _delivery_id(place: str, status: str = DeliveryStatus.FAILED) -> uuid.UUID:
    return Delivery.objects.values_list("pk", flat=True).get(
        endpoint__description=f"grid {place}", status=status
    )


def _hook(place: str) -> Any:
    return lambda s: [_endpoint_id(place)]


def _hook_param(place: str) -> Any:
    return lambda s: {"endpoint_id": _endpoint_id(place)}


def _delivery(place: str, status: str = DeliveryStatus.FAILED) -> Any:
    return lambda s: [_delivery_id(place, status)]


def _delivery_param(place: str, of: str | None = None) -> Any:
    """The endpoint of `place` and the failed delivery of `of` (default: its own)."""
    return lambda s: {
        "endpoint_id": _endpoint_id(place),
        "delivery_id": _delivery_id(of or place),
    }


def _slug(attr: str) -> Any:
    return lambda s: [getattr(s, attr).slug]


def _slug_param(attr: str) -> Any:
    return lambda s: {"slug": getattr(s, attr).slug}


# Fresh data on every call (a row's data must not be shared between cells).
def _new_form(s: Scenario) -> dict[str, Any]:
    return {
        "url": "http://127.0.0.1:9/new-hook",
        "description": "Our CRM",
        "kinds": [EventKind.IDEA_SUBMITTED, EventKind.MILESTONE],
    }


def _edit_form(s: Scenario) -> dict[str, Any]:
    return {
        "url": "http://127.0.0.1:9/moved",
        "description": "Moved to the new CRM",
        "kinds": [EventKind.COMMENT_POSTED],
        "active": "on",
    }


def _new_body(s: Scenario) -> dict[str, Any]:
    return {
        "url": "http://127.0.0.1:9/new-hook",
        "kinds": [EventKind.IDEA_SUBMITTED, EventKind.MILESTONE],
        "description": "Our CRM",
    }


def _patch_body(s: Scenario) -> dict[str, Any]:
    return {"description": "Moved to the new CRM", "kinds": [EventKind.COMMENT_POSTED]}


def _turn_on(s: Scenario) -> dict[str, Any]:
    return {"active": True}


def hpage(*args: Any, **kwargs: Any) -> Case:
    return page(*args, setup=kwargs.pop("setup", endpoints), **kwargs)


def hapi(*args: Any, **kwargs: Any) -> Case:
    return api(*args, setup=kwargs.pop("setup", endpoints), **kwargs)


WHO = {"pub": MANAGERS, "circle": MANAGERS, "priv": SITE_STAFF, "other": SITE_STAFF}
LABEL = {
    "pub": "public community",
    "circle": "circle of pub",
    "priv": "private community",
    "other": "someone else's community",
}
UNCONFIRMED = "public community, unconfirmed email address"


def _each(make: Any, places: tuple[str, ...] = PLACES) -> list[Case]:
    """One row per place, allowed for who manages it, and one for pub with the
    actor's email address unconfirmed (allowed for nobody)."""
    rows = [make(place, LABEL[place], WHO[place], endpoints) for place in places]
    return [*rows, make("pub", UNCONFIRMED, NOBODY, endpoints_unconfirmed)]


# --- pages -------------------------------------------------------------------------------------

PAGES: list[Case] = [
    *_each(
        lambda place, label, allow, setup: hpage(
            "webhooks:list", "GET", label, allow, args=_slug(place), setup=setup
        )
    ),
    hpage("webhooks:list", "GET", "proposed circle of pub", MANAGERS, args=_slug("proposed")),
    *_each(
        lambda place, label, allow, setup: hpage(
            "webhooks:list", "POST", label, allow, args=_slug(place), setup=setup, data=_new_form
        ),
        ("pub", "circle", "priv"),
    ),
    *_each(
        lambda place, label, allow, setup: hpage(
            "webhooks:detail", "GET", label, allow, args=_hook(place), setup=setup
        ),
        ("pub", "circle", "priv"),
    ),
    hpage(
        "webhooks:detail",
        "GET",
        "failed deliveries only",
        MANAGERS,
        args=_hook("pub"),
        query=lambda s: {"status": "failed"},
    ),
    *_each(
        lambda place, label, allow, setup: hpage(
            "webhooks:detail", "POST", label, allow, args=_hook(place), setup=setup, data=_edit_form
        ),
        ("pub", "circle", "priv"),
    ),
    hpage(
        "webhooks:detail",
        "POST",
        "disabled endpoint, turned back on",
        MANAGERS,
        args=_hook("pub disabled"),
        data=_edit_form,
    ),
    *_each(
        lambda place, label, allow, setup: hpage(
            "webhooks:test", "POST", label, allow, args=_hook(place), setup=setup
        ),
        ("pub", "circle", "priv"),
    ),
    *_each(
        lambda place, label, allow, setup: hpage(
            "webhooks:rotate", "POST", label, allow, args=_hook(place), setup=setup
        ),
        ("pub", "circle", "priv"),
    ),
    *_each(
        lambda place, label, allow, setup: hpage(
            "webhooks:delete", "POST", label, allow, args=_hook(place), setup=setup
        ),
        ("pub", "circle", "priv"),
    ),
    *_each(
        lambda place, label, allow, setup: hpage(
            "webhooks:redeliver",
            "POST",
            f"failed delivery, {label}",
            allow,
            args=_delivery(place),
            setup=setup,
        ),
        ("pub", "circle", "priv"),
    ),
    hpage(
        "webhooks:redeliver",
        "POST",
        "succeeded delivery, public community",
        MANAGERS,
        args=_delivery("pub", DeliveryStatus.SUCCEEDED),
    ),
    hpage(
        "webhooks:redeliver",
        "POST",
        "no such delivery",
        NOBODY,
        args=lambda s: [uuid.uuid4()],
    ),
]

# --- API ---------------------------------------------------------------------------------------

HOOKS = "/communities/{slug}/webhooks"
ONE = "/webhooks/{endpoint_id}"

API: list[Case] = [
    *_each(
        lambda place, label, allow, setup: hapi(
            "GET", HOOKS, label, allow, params=_slug_param(place), setup=setup
        )
    ),
    hapi("GET", HOOKS, "proposed circle of pub", MANAGERS, params=_slug_param("proposed")),
    *_each(
        lambda place, label, allow, setup: hapi(
            "POST", HOOKS, label, allow, params=_slug_param(place), setup=setup, body=_new_body
        ),
        ("pub", "circle", "priv"),
    ),
    *_each(
        lambda place, label, allow, setup: hapi(
            "GET", ONE, label, allow, params=_hook_param(place), setup=setup
        ),
        ("pub", "circle", "priv"),
    ),
    *_each(
        lambda place, label, allow, setup: hapi(
            "PATCH", ONE, label, allow, params=_hook_param(place), setup=setup, body=_patch_body
        ),
        ("pub", "circle", "priv"),
    ),
    hapi(
        "PATCH",
        ONE,
        "disabled endpoint, turned back on",
        MANAGERS,
        params=_hook_param("pub disabled"),
        body=_turn_on,
    ),
    *_each(
        lambda place, label, allow, setup: hapi(
            "DELETE", ONE, label, allow, params=_hook_param(place), setup=setup
        ),
        ("pub", "circle", "priv"),
    ),
    *_each(
        lambda place, label, allow, setup: hapi(
            "POST", ONE + "/secret", label, allow, params=_hook_param(place), setup=setup
        ),
        ("pub", "circle", "priv"),
    ),
    *_each(
        lambda place, label, allow, setup: hapi(
            "POST", ONE + "/test", label, allow, params=_hook_param(place), setup=setup
        ),
        ("pub", "circle", "priv"),
    ),
    *_each(
        lambda place, label, allow, setup: hapi(
            "GET", ONE + "/deliveries", label, allow, params=_hook_param(place), setup=setup
        ),
        ("pub", "circle", "priv"),
    ),
    hapi(
        "GET",
        ONE + "/deliveries",
        "failed deliveries only",
        MANAGERS,
        params=_hook_param("pub"),
        query=lambda s: {"status": "failed"},
    ),
    *_each(
        lambda place, label, allow, setup: hapi(
            "POST",
            ONE + "/deliveries/{delivery_id}/redeliver",
            f"failed delivery, {label}",
            allow,
            params=_delivery_param(place),
            setup=setup,
        ),
        ("pub", "circle", "priv"),
    ),
    hapi(
        "POST",
        ONE + "/deliveries/{delivery_id}/redeliver",
        "another endpoint's delivery",
        NOBODY,
        params=_delivery_param("pub", of="circle"),
    ),
]

WEBHOOK_GRID: list[Case] = PAGES + API
