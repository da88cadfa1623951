"""API of webhooks (community staff): endpoints, their delivery log, tests and
redeliveries."""

from datetime import datetime
from typing import Any
from uuid import UUID

from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from cocreate.communities.api import _community
from cocreate.core.api import ERRORS, ApiRequest, ObjectId, Pagination
from cocreate.core.errors import NotFound
from cocreate.core.permissions import can, require
from cocreate.webhooks import actions
from cocreate.webhooks.models import Delivery, DeliveryStatus, Endpoint, EventKind

router = Router(tags=["webhooks"])

KINDS_HELP = "Event kinds: " + ", ".join(EventKind.values)


class EndpointOut(Schema):
    id: int
    community: str
    url: str
    description: str
    kinds: list[str]
    active: bool
    secret_hint: str
    failure_streak: int
    last_success_at: datetime | None
    disabled_at: datetime | None
    disabled_reason: str
    created_at: datetime

    @staticmethod
    def resolve_community(obj: Endpoint) -> str:
        return obj.community.slug


class EndpointWithSecret(EndpointOut):
    secret: str = Field(description="Shown only when the endpoint is made or the secret rotated")


class EndpointIn(Schema):
    url: str = Field(max_length=500)
    kinds: list[str] = Field(max_length=20, description=KINDS_HELP)
    description: str = Field("", max_length=200)


class EndpointPatch(Schema):
    url: str | None = Field(None, max_length=500)
    kinds: list[str] | None = Field(None, max_length=20, description=KINDS_HELP)
    description: str | None = Field(None, max_length=200)
    active: bool | None = None


class DeliveryOut(Schema):
    id: UUID
    kind: str
    event_id: int | None
    status: str
    attempts: int
    body: str
    response_status: int | None
    response_excerpt: str
    error: str
    duration_ms: int | None
    created_at: datetime
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None
    delivered_at: datetime | None


def get_endpoint(request: ApiRequest, endpoint_id: int) -> Endpoint:
    endpoint = Endpoint.objects.select_related("community__parent").filter(pk=endpoint_id).first()
    # Outsiders cannot tell whether an endpoint exists.
    if endpoint is None or not can(request.auth, "webhook.manage", endpoint.community):
        raise NotFound()
    return endpoint


@router.get(
    "/communities/{slug}/webhooks",
    response={200: list[EndpointOut], **ERRORS},
    summary="Webhook endpoints of a community (staff)",
)
@paginate(Pagination)
def list_endpoints(request: ApiRequest, slug: str) -> Any:
    community = _community(request, slug)
    require(request.auth, "webhook.manage", community)
    return Endpoint.objects.filter(community=community).select_related("community")


@router.post(
    "/communities/{slug}/webhooks",
    response={201: EndpointWithSecret, **ERRORS},
    summary="Register an endpoint (staff); the answer carries its secret, once",
)
def create_endpoint(request: ApiRequest, slug: str, payload: EndpointIn) -> Status[Endpoint]:
    community = _community(request, slug)
    return Status(201, actions.create_endpoint(request.auth, community, **payload.dict()))


@router.get("/webhooks/{endpoint_id}", response={200: EndpointOut, **ERRORS})
def read_endpoint(request: ApiRequest, endpoint_id: ObjectId) -> Endpoint:
    return get_endpoint(request, endpoint_id)


@router.patch(
    "/webhooks/{endpoint_id}",
    response={200: EndpointOut, **ERRORS},
    summary="Change an endpoint; `active: true` turns a disabled one back on",
)
def update_endpoint(request: ApiRequest, endpoint_id: ObjectId, payload: EndpointPatch) -> Endpoint:
    return actions.update_endpoint(
        request.auth, get_endpoint(request, endpoint_id), **payload.dict(exclude_unset=True)
    )


@router.delete("/webhooks/{endpoint_id}", response={204: None, **ERRORS})
def delete_endpoint(request: ApiRequest, endpoint_id: ObjectId) -> Status[None]:
    actions.delete_endpoint(request.auth, get_endpoint(request, endpoint_id))
    return Status(204, None)


@router.post(
    "/webhooks/{endpoint_id}/secret",
    response={200: EndpointWithSecret, **ERRORS},
    summary="Make a new signing secret (the old one stops signing at once)",
)
def rotate_secret(request: ApiRequest, endpoint_id: ObjectId) -> Endpoint:
    return actions.rotate_secret(request.auth, get_endpoint(request, endpoint_id))


@router.post(
    "/webhooks/{endpoint_id}/test",
    response={202: DeliveryOut, **ERRORS},
    summary="Queue a signed `ping` delivery",
)
def send_test(request: ApiRequest, endpoint_id: ObjectId) -> Status[Delivery]:
    return Status(202, actions.send_test(request.auth, get_endpoint(request, endpoint_id)))


@router.get(
    "/webhooks/{endpoint_id}/deliveries",
    response={200: list[DeliveryOut], **ERRORS},
    summary="The delivery log, newest first (`status`: pending, succeeded, failed)",
)
@paginate(Pagination)
def list_deliveries(request: ApiRequest, endpoint_id: ObjectId, status: str = "") -> Any:
    qs = Delivery.objects.filter(endpoint=get_endpoint(request, endpoint_id))
    if status in DeliveryStatus.values:
        qs = qs.filter(status=status)
    return qs


@router.post(
    "/webhooks/{endpoint_id}/deliveries/{delivery_id}/redeliver",
    response={202: DeliveryOut, **ERRORS},
    summary="Send a finished delivery again now (same body and id, fresh retries)",
)
def redeliver(request: ApiRequest, endpoint_id: ObjectId, delivery_id: UUID) -> Status[Delivery]:
    endpoint = get_endpoint(request, endpoint_id)
    delivery = Delivery.objects.filter(pk=delivery_id, endpoint=endpoint).first()
    if delivery is None:
        raise NotFound()
    delivery.endpoint = endpoint
    return Status(202, actions.redeliver(request.auth, delivery))
