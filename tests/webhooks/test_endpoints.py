"""Managing endpoints through the actions, the pages and the API: register, change,
rotate the secret, delete, test and redeliver; validation (422 naming the field,
nothing made); at most 20 per community (409); only community staff, owners and
site staff (everyone else refused, nothing changed); the secret shown in full only
once; events that never carry it; production refusing plain http and addresses
inside the network."""

from __future__ import annotations

import json

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from cocreate.communities import actions as community_actions
from cocreate.core.errors import Conflict, Forbidden, Invalid
from cocreate.core.models import Event
from cocreate.webhooks import actions
from cocreate.webhooks.actions import MAX_ENDPOINTS
from cocreate.webhooks.delivery import send_due
from cocreate.webhooks.models import Delivery, Endpoint
from tests.conftest import client_for
from tests.factories import CommunityFactory, UserFactory, add_member
from tests.webhooks.helpers import API, assert_error, post_json, snapshot

pytestmark = pytest.mark.django_db

URL = "http://127.0.0.1:9/hook"
PUBLIC_URL = "https://93.184.216.34/hook"
KINDS = ["idea.submitted", "comment.posted"]


@pytest.fixture
def hook(community, webmaster):
    return actions.create_endpoint(
        webmaster, community, url=URL, kinds=KINDS, description="Our CRM"
    )


@pytest.fixture
def finished(hook, webmaster):
    """A test delivery that was given up (so it may be redelivered)."""
    row = actions.send_test(webmaster, hook)
    Delivery.objects.filter(pk=row.pk).update(status="failed", next_attempt_at=None, attempts=13)
    return Delivery.objects.get(pk=row.pk)


def hooks_url(community) -> str:
    return f"{API}/communities/{community.slug}/webhooks"


# --- actions -----------------------------------------------------------------------------------


def test_staff_register_an_endpoint_with_a_fresh_secret(community, webmaster):
    endpoint = actions.create_endpoint(
        webmaster,
        community,
        url=URL,
        kinds=["comment.posted", "idea.submitted", "comment.posted"],
        description="  Our CRM  ",
    )
    assert endpoint.community == community and endpoint.created_by == webmaster
    assert endpoint.url == URL and endpoint.description == "Our CRM"
    assert endpoint.kinds == ["idea.submitted", "comment.posted"]  # one order, no repeats
    assert endpoint.active and endpoint.failure_streak == 0
    assert endpoint.secret.startswith("whsec_") and len(endpoint.secret) >= 40
    assert endpoint.secret_hint == endpoint.secret[:10] + "…"
    [event] = Event.objects.filter(kind="webhook.created")
    assert (event.actor, event.target_id, event.community) == (webmaster, endpoint.pk, community)
    assert event.data == {"url": URL, "kinds": ["idea.submitted", "comment.posted"]}


def test_every_endpoint_has_its_own_secret(community, webmaster):
    secrets = {
        actions.create_endpoint(webmaster, community, url=URL, kinds=KINDS).secret for _ in range(5)
    }
    assert len(secrets) == 5


@pytest.mark.parametrize("who", ["owner", "webmaster", "site_staff"])
def test_owners_staff_and_site_staff_manage_endpoints(request, community, who):
    person = request.getfixturevalue(who)
    endpoint = actions.create_endpoint(person, community, url=URL, kinds=KINDS)
    actions.update_endpoint(person, endpoint, description="Changed")
    actions.rotate_secret(person, endpoint)
    delivery = actions.send_test(person, endpoint)
    Delivery.objects.filter(pk=delivery.pk).update(status="failed")
    actions.redeliver(person, delivery)
    actions.delete_endpoint(person, endpoint)
    assert not Endpoint.objects.exists()
    assert [e.kind for e in Event.objects.filter(kind__startswith="webhook.")] == [
        "webhook.created",
        "webhook.changed",
        "webhook.secret_rotated",
        "webhook.redelivered",
        "webhook.deleted",
    ]


def test_staff_of_the_parent_community_manage_a_circles_endpoints(community, webmaster, staff):
    circle = community_actions.create_circle(staff, community, name="Gravel", slug="gravel")
    endpoint = actions.create_endpoint(webmaster, circle, url=URL, kinds=KINDS)
    assert endpoint.community == circle
    response = client_for(webmaster).get(reverse("webhooks:list", args=[circle.slug]))
    assert response.status_code == 200


def test_update_changes_only_what_is_given(hook, webmaster):
    secret = hook.secret
    actions.update_endpoint(webmaster, hook, kinds=["update.posted"], description="New")
    hook.refresh_from_db()
    assert (hook.url, hook.kinds, hook.description, hook.active) == (
        URL,
        ["update.posted"],
        "New",
        True,
    )
    assert hook.secret == secret
    event = Event.objects.filter(kind="webhook.changed").get()
    assert event.data == {"fields": ["description", "kinds"]}

    before = snapshot()
    actions.update_endpoint(webmaster, hook)  # nothing to change: no event
    assert snapshot() == before


def test_rotation_makes_a_new_secret(hook, webmaster):
    old = hook.secret
    rotated = actions.rotate_secret(webmaster, hook)
    assert rotated.secret != old and rotated.secret.startswith("whsec_")
    assert Endpoint.objects.get().secret == rotated.secret
    assert Event.objects.filter(kind="webhook.secret_rotated", target_id=hook.pk).count() == 1


def test_deleting_an_endpoint_deletes_its_log(hook, finished, webmaster):
    actions.delete_endpoint(webmaster, hook)
    assert not Endpoint.objects.exists() and not Delivery.objects.exists()
    event = Event.objects.get(kind="webhook.deleted")
    assert event.data == {"url": URL}


def test_a_test_delivery_is_a_ping_due_now(hook, webmaster):
    row = actions.send_test(webmaster, hook)
    assert (row.kind, row.status, row.attempts, row.event) == ("ping", "pending", 0, None)
    assert row.next_attempt_at == row.started_at
    assert json.loads(row.body)["event"] == "ping"


# --- validation --------------------------------------------------------------------------------

BAD_URLS = [
    "",
    "   ",
    "not a url",
    "ftp://example.org/hook",
    "file:///etc/passwd",
    "javascript:alert(1)",
    "http://",
    "https:///hook",
    "//example.org/hook",
    "https://example.org/" + "a" * 500,
]
BAD_KINDS = [[], ["idea.deleted"], ["idea.submitted", "nope"], ["webhook.disabled"], ["ping"]]


@pytest.mark.parametrize("url", BAD_URLS)
def test_a_bad_url_is_refused_and_nothing_is_made(community, webmaster, api_client, url):
    before = snapshot()
    with pytest.raises(Invalid) as caught:
        actions.create_endpoint(webmaster, community, url=url, kinds=KINDS)
    assert "url" in caught.value.fields
    response = post_json(api_client(webmaster), hooks_url(community), {"url": url, "kinds": KINDS})
    assert_error(response, 422, "invalid", "url")
    assert snapshot() == before


@pytest.mark.parametrize("kinds", BAD_KINDS)
def test_missing_or_unknown_kinds_are_refused_and_nothing_is_made(
    community, webmaster, api_client, kinds
):
    before = snapshot()
    with pytest.raises(Invalid) as caught:
        actions.create_endpoint(webmaster, community, url=URL, kinds=kinds)
    assert list(caught.value.fields) == ["kinds"]
    response = post_json(api_client(webmaster), hooks_url(community), {"url": URL, "kinds": kinds})
    error = assert_error(response, 422, "invalid", "kinds")
    if kinds:
        assert "idea.submitted" in error["fields"]["kinds"][0]  # the known kinds are listed
    assert snapshot() == before


@pytest.mark.parametrize("url", ["http://[::1/hook", "http://[zz]/hook"])
def test_a_malformed_host_is_a_422_not_a_server_error(community, webmaster, api_client, url):
    before = snapshot()
    response = post_json(api_client(webmaster), hooks_url(community), {"url": url, "kinds": KINDS})
    assert_error(response, 422, "invalid", "url")
    assert snapshot() == before


def test_api_validation_of_the_shape(community, webmaster, api_client):
    client = api_client(webmaster)
    before = snapshot()
    assert_error(post_json(client, hooks_url(community), {"kinds": KINDS}), 422, "invalid", "url")
    assert_error(post_json(client, hooks_url(community), {"url": URL}), 422, "invalid", "kinds")
    assert_error(
        post_json(client, hooks_url(community), {"url": URL, "kinds": "idea.submitted"}),
        422,
        "invalid",
        "kinds",
    )
    assert_error(
        post_json(
            client, hooks_url(community), {"url": URL, "kinds": KINDS, "description": "x" * 201}
        ),
        422,
        "invalid",
        "description",
    )
    assert snapshot() == before


def test_bad_changes_are_refused_and_change_nothing(hook, webmaster, api_client):
    client = api_client(webmaster)
    before = snapshot()
    for url in ("ftp://example.org/", "nope"):
        with pytest.raises(Invalid):
            actions.update_endpoint(webmaster, hook, url=url)
        assert_error(
            post_json(client, f"{API}/webhooks/{hook.pk}", {"url": url}, "patch"),
            422,
            "invalid",
            "url",
        )
    for kinds in BAD_KINDS:
        with pytest.raises(Invalid):
            actions.update_endpoint(webmaster, hook, kinds=kinds, description="Not saved")
        assert_error(
            post_json(client, f"{API}/webhooks/{hook.pk}", {"kinds": kinds}, "patch"),
            422,
            "invalid",
            "kinds",
        )
    assert snapshot() == before


def test_at_most_20_endpoints_per_community(community, webmaster, api_client):
    for n in range(MAX_ENDPOINTS):
        actions.create_endpoint(webmaster, community, url=f"{URL}/{n}", kinds=KINDS)
    before = snapshot()

    with pytest.raises(Conflict):
        actions.create_endpoint(webmaster, community, url=URL, kinds=KINDS)
    response = post_json(api_client(webmaster), hooks_url(community), {"url": URL, "kinds": KINDS})
    assert_error(response, 409, "conflict")
    page = client_for(webmaster).post(
        reverse("webhooks:list", args=[community.slug]), {"url": URL, "kinds": KINDS}
    )
    assert page.status_code == 409
    assert "at most 20" in page.content.decode()

    assert snapshot() == before
    # Another community has its own 20.
    other = CommunityFactory()
    add_member(other, webmaster, "staff")
    actions.create_endpoint(webmaster, other, url=URL, kinds=KINDS)
    # Deleting one makes room again.
    actions.delete_endpoint(webmaster, Endpoint.objects.filter(community=community).first())
    actions.create_endpoint(webmaster, community, url=URL, kinds=KINDS)
    assert Endpoint.objects.filter(community=community).count() == MAX_ENDPOINTS


# --- who may ----------------------------------------------------------------------------------

REFUSED = ["member", "moderator", "outsider"]


@pytest.fixture
def unconfirmed_staff(community):
    user = UserFactory(display_name="Una Unconfirmed", email_confirmed_at=None)
    add_member(community, user, "staff")
    return user


@pytest.fixture
def deactivated_staff(community):
    user = UserFactory(display_name="Dan Deactivated", is_active=False)
    add_member(community, user, "staff")
    return user


@pytest.fixture
def other_staff(db):
    """Staff of another community."""
    user = UserFactory(display_name="Stan Elsewhere")
    add_member(CommunityFactory(), user, "staff")
    return user


@pytest.mark.parametrize("who", [*REFUSED, "unconfirmed_staff", "deactivated_staff", "other_staff"])
def test_others_cannot_use_the_actions_and_nothing_changes(request, community, hook, finished, who):
    person = request.getfixturevalue(who)
    before = snapshot()
    attempts = [
        lambda: actions.create_endpoint(person, community, url=URL, kinds=KINDS),
        lambda: actions.update_endpoint(person, hook, url="http://127.0.0.1:9/mine"),
        lambda: actions.update_endpoint(person, hook, active=False),
        lambda: actions.rotate_secret(person, hook),
        lambda: actions.delete_endpoint(person, hook),
        lambda: actions.send_test(person, hook),
        lambda: actions.redeliver(person, finished),
    ]
    for call in attempts:
        with pytest.raises(Forbidden):
            call()
    assert snapshot() == before


@pytest.mark.parametrize("who", REFUSED)
def test_others_get_403_or_404_from_the_api_and_nothing_changes(
    request, community, hook, finished, api_client, who
):
    client = api_client(request.getfixturevalue(who))
    before = snapshot()
    one = f"{API}/webhooks/{hook.pk}"

    assert_error(client.get(hooks_url(community)), 403, "forbidden")
    assert_error(
        post_json(client, hooks_url(community), {"url": URL, "kinds": KINDS}), 403, "forbidden"
    )
    # Outsiders cannot tell whether an endpoint exists.
    for response in (
        client.get(one),
        post_json(client, one, {"active": False}, "patch"),
        client.delete(one),
        post_json(client, f"{one}/secret"),
        post_json(client, f"{one}/test"),
        client.get(f"{one}/deliveries"),
        post_json(client, f"{one}/deliveries/{finished.pk}/redeliver"),
    ):
        body = assert_error(response, 404, "not_found")
        assert hook.secret not in json.dumps(body)
    assert snapshot() == before


def test_a_private_community_is_not_found_for_outsiders(outsider, api_client):
    space = CommunityFactory(visibility="private")
    client = api_client(outsider)
    assert_error(client.get(hooks_url(space)), 404, "not_found")
    assert_error(
        post_json(client, hooks_url(space), {"url": URL, "kinds": KINDS}), 404, "not_found"
    )
    assert not Endpoint.objects.exists()


def test_anonymous_api_calls_are_401_and_change_nothing(community, hook, finished, api_client):
    client = api_client(None)
    before = snapshot()
    one = f"{API}/webhooks/{hook.pk}"
    for response in (
        client.get(hooks_url(community)),
        post_json(client, hooks_url(community), {"url": URL, "kinds": KINDS}),
        client.get(one),
        post_json(client, one, {"active": False}, "patch"),
        client.delete(one),
        post_json(client, f"{one}/secret"),
        post_json(client, f"{one}/test"),
        client.get(f"{one}/deliveries"),
        post_json(client, f"{one}/deliveries/{finished.pk}/redeliver"),
    ):
        assert_error(response, 401, "unauthenticated")
    assert snapshot() == before


def page_requests(community, hook, finished):
    form = {"url": "http://127.0.0.1:9/mine", "kinds": KINDS, "active": "on"}
    return [
        ("get", reverse("webhooks:list", args=[community.slug]), None),
        ("post", reverse("webhooks:list", args=[community.slug]), form),
        ("get", reverse("webhooks:detail", args=[hook.pk]), None),
        ("post", reverse("webhooks:detail", args=[hook.pk]), form),
        ("post", reverse("webhooks:test", args=[hook.pk]), {}),
        ("post", reverse("webhooks:rotate", args=[hook.pk]), {}),
        ("post", reverse("webhooks:delete", args=[hook.pk]), {}),
        ("post", reverse("webhooks:redeliver", args=[finished.pk]), {}),
    ]


@pytest.mark.parametrize("who", REFUSED)
def test_others_get_403_from_the_pages_and_nothing_changes(request, community, hook, finished, who):
    client = client_for(request.getfixturevalue(who))
    before = snapshot()
    for method, url, data in page_requests(community, hook, finished):
        response = getattr(client, method)(url, data)
        assert response.status_code == 403, (method, url)
        assert hook.secret not in response.content.decode()
    assert snapshot() == before


def test_anonymous_visitors_are_sent_to_sign_in_and_nothing_changes(community, hook, finished):
    client = client_for(None)
    before = snapshot()
    for method, url, data in page_requests(community, hook, finished):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith(reverse(django_settings.LOGIN_URL))
    assert snapshot() == before


def test_the_manage_page_links_to_the_webhooks(community, webmaster, member):
    page = client_for(webmaster).get(reverse("communities:admin", args=[community.slug]))
    assert reverse("webhooks:list", args=[community.slug]) in page.content.decode()


# --- the API, end to end -------------------------------------------------------------------------


def test_the_api_manages_an_endpoint_from_start_to_end(community, webmaster, api_client):
    client = api_client(webmaster)

    response = post_json(
        client, hooks_url(community), {"url": URL, "kinds": KINDS, "description": "CRM"}
    )
    assert response.status_code == 201, response.content
    made = response.json()
    endpoint = Endpoint.objects.get()
    assert made["secret"] == endpoint.secret
    assert made["id"] == endpoint.pk and made["community"] == community.slug
    assert (made["url"], made["kinds"], made["description"], made["active"]) == (
        URL,
        KINDS,
        "CRM",
        True,
    )
    assert made["secret_hint"] == endpoint.secret_hint

    one = f"{API}/webhooks/{endpoint.pk}"
    read = client.get(one).json()
    assert "secret" not in read and endpoint.secret not in json.dumps(read)
    assert read["secret_hint"] == endpoint.secret_hint
    listed = client.get(hooks_url(community)).json()
    assert [e["id"] for e in listed["items"]] == [endpoint.pk] and listed["count"] == 1
    assert endpoint.secret not in json.dumps(listed)

    changed = post_json(client, one, {"kinds": ["update.posted"], "description": "New"}, "patch")
    assert changed.status_code == 200, changed.content
    assert changed.json()["kinds"] == ["update.posted"] and "secret" not in changed.json()

    rotated = post_json(client, f"{one}/secret")
    assert rotated.status_code == 200
    endpoint.refresh_from_db()
    assert rotated.json()["secret"] == endpoint.secret != made["secret"]

    tested = post_json(client, f"{one}/test")
    assert tested.status_code == 202, tested.content
    ping = tested.json()
    assert (ping["kind"], ping["status"], ping["event_id"]) == ("ping", "pending", None)
    assert endpoint.secret not in json.dumps(ping)

    Delivery.objects.filter(pk=ping["id"]).update(status="failed")
    log = client.get(f"{one}/deliveries?status=failed").json()
    assert [d["id"] for d in log["items"]] == [ping["id"]]
    assert client.get(f"{one}/deliveries?status=succeeded").json()["items"] == []
    again = post_json(client, f"{one}/deliveries/{ping['id']}/redeliver")
    assert again.status_code == 202 and again.json()["status"] == "pending"
    before = snapshot()
    assert_error(post_json(client, f"{one}/deliveries/{ping['id']}/redeliver"), 409, "conflict")
    assert_error(
        post_json(client, f"{one}/deliveries/00000000-0000-0000-0000-000000000000/redeliver"),
        404,
        "not_found",
    )

    assert snapshot() == before

    off = post_json(client, one, {"active": False}, "patch")
    assert off.json()["active"] is False
    before = snapshot()
    assert_error(post_json(client, f"{one}/test"), 409, "conflict")
    assert snapshot() == before
    on = post_json(client, one, {"active": True}, "patch")
    assert on.json()["active"] is True

    deleted = client.delete(one)
    assert deleted.status_code == 204
    assert_error(client.get(one), 404, "not_found")
    assert not Endpoint.objects.exists() and not Delivery.objects.exists()


def test_a_delivery_of_another_endpoint_cannot_be_redelivered_through_this_one(
    community, webmaster, hook, finished, api_client
):
    mine = actions.create_endpoint(webmaster, community, url=URL, kinds=KINDS)
    before = snapshot()
    response = post_json(
        api_client(webmaster), f"{API}/webhooks/{mine.pk}/deliveries/{finished.pk}/redeliver"
    )
    assert_error(response, 404, "not_found")
    assert snapshot() == before


def test_the_api_turns_a_disabled_endpoint_back_on(hook, webmaster, api_client):
    Endpoint.objects.filter(pk=hook.pk).update(
        active=False, failure_streak=13, disabled_reason="failed", disabled_at=hook.created_at
    )
    response = post_json(
        api_client(webmaster), f"{API}/webhooks/{hook.pk}", {"active": True}, "patch"
    )
    body = response.json()
    assert response.status_code == 200, body
    assert (
        body["active"],
        body["failure_streak"],
        body["disabled_at"],
        body["disabled_reason"],
    ) == (
        True,
        0,
        None,
        "",
    )


# --- the pages ---------------------------------------------------------------------------------


def test_staff_add_an_endpoint_on_the_page_and_see_its_secret_once(community, webmaster):
    client = client_for(webmaster)
    response = client.post(
        reverse("webhooks:list", args=[community.slug]),
        {"url": URL, "description": "CRM", "kinds": KINDS},
    )
    endpoint = Endpoint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("webhooks:detail", args=[endpoint.pk])
    assert (endpoint.kinds, endpoint.description, endpoint.created_by) == (KINDS, "CRM", webmaster)

    first = client.get(response["Location"]).content.decode()
    assert f'<code id="new-secret">{endpoint.secret}</code>' in first
    second = client.get(response["Location"]).content.decode()
    assert endpoint.secret not in second
    assert endpoint.secret_hint in second
    listing = client.get(reverse("webhooks:list", args=[community.slug])).content.decode()
    assert URL in listing and endpoint.secret not in listing


def test_a_rotated_secret_is_shown_once(hook, webmaster):
    client = client_for(webmaster)
    old = hook.secret
    response = client.post(reverse("webhooks:rotate", args=[hook.pk]))
    assert response.status_code == 302
    hook.refresh_from_db()
    assert hook.secret != old

    first = client.get(reverse("webhooks:detail", args=[hook.pk])).content.decode()
    assert hook.secret in first and old not in first
    second = client.get(reverse("webhooks:detail", args=[hook.pk])).content.decode()
    assert hook.secret not in second and hook.secret_hint in second


def test_the_secret_is_shown_only_to_the_one_who_made_it(hook, community, webmaster, owner):
    client = client_for(webmaster)
    client.post(reverse("webhooks:rotate", args=[hook.pk]))
    hook.refresh_from_db()
    page = client_for(owner).get(reverse("webhooks:detail", args=[hook.pk])).content.decode()
    assert hook.secret not in page and hook.secret_hint in page


@pytest.mark.parametrize(
    ("form", "field_text"),
    [
        ({"url": URL}, "This field is required"),  # no kinds
        ({"url": URL, "kinds": ["nope"]}, "Select a valid choice"),
        ({"url": "not a url", "kinds": KINDS}, "Enter a valid URL"),
        ({"url": "ftp://example.org/hook", "kinds": KINDS}, "Enter an http or https URL"),
    ],
)
def test_a_bad_form_is_shown_again_with_422_and_nothing_is_made(
    community, webmaster, form, field_text
):
    before = snapshot()
    response = client_for(webmaster).post(reverse("webhooks:list", args=[community.slug]), form)
    assert response.status_code == 422
    assert field_text in response.content.decode()
    assert snapshot() == before


def test_staff_change_an_endpoint_on_the_page(hook, webmaster):
    response = client_for(webmaster).post(
        reverse("webhooks:detail", args=[hook.pk]),
        {"url": "http://127.0.0.1:9/other", "description": "Moved", "kinds": ["update.posted"]},
    )
    assert response.status_code == 302
    hook.refresh_from_db()
    assert (hook.url, hook.description, hook.kinds, hook.active) == (
        "http://127.0.0.1:9/other",
        "Moved",
        ["update.posted"],
        False,  # "Active" was not ticked
    )


def test_a_bad_change_on_the_page_is_422_and_changes_nothing(hook, webmaster):
    before = snapshot()
    response = client_for(webmaster).post(
        reverse("webhooks:detail", args=[hook.pk]),
        {"url": "ftp://example.org/", "kinds": KINDS, "active": "on"},
    )
    assert response.status_code == 422
    assert "Enter an http or https URL" in response.content.decode()
    assert snapshot() == before


def test_the_page_buttons_test_redeliver_and_delete(community, hook, finished, webmaster):
    client = client_for(webmaster)
    response = client.post(reverse("webhooks:test", args=[hook.pk]))
    assert response.status_code == 302
    assert Delivery.objects.filter(kind="ping", status="pending").count() == 1

    response = client.post(reverse("webhooks:redeliver", args=[finished.pk]))
    assert response.status_code == 302
    finished.refresh_from_db()
    assert (finished.status, finished.attempts) == ("pending", 0)
    before = snapshot()
    assert client.post(reverse("webhooks:redeliver", args=[finished.pk])).status_code == 409
    missing = "00000000-0000-0000-0000-000000000000"
    assert client.post(reverse("webhooks:redeliver", args=[missing])).status_code == 404
    assert snapshot() == before

    response = client.post(reverse("webhooks:delete", args=[hook.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("webhooks:list", args=[community.slug])
    assert not Endpoint.objects.exists()
    assert client.get(reverse("webhooks:detail", args=[hook.pk])).status_code == 404


def test_the_buttons_take_no_get(hook, finished, webmaster):
    client = client_for(webmaster)
    before = snapshot()
    for name, pk in (("test", hook.pk), ("rotate", hook.pk), ("delete", hook.pk)):
        assert client.get(reverse(f"webhooks:{name}", args=[pk])).status_code == 405
    assert client.get(reverse("webhooks:redeliver", args=[finished.pk])).status_code == 405
    assert snapshot() == before


# --- the secret stays secret -------------------------------------------------------------------


def test_no_event_and_no_delivery_ever_carries_a_secret(community, webmaster, api_client, receiver):
    client = api_client(webmaster)
    made = post_json(client, hooks_url(community), {"url": receiver.url, "kinds": KINDS}).json()
    secrets = {made["secret"]}
    one = f"{API}/webhooks/{made['id']}"
    secrets.add(post_json(client, f"{one}/secret").json()["secret"])
    secrets.add(post_json(client, f"{one}/secret").json()["secret"])
    post_json(client, one, {"description": "x", "active": False}, "patch")
    post_json(client, one, {"active": True}, "patch")
    ping = post_json(client, f"{one}/test").json()
    send_due()
    post_json(client, f"{one}/deliveries/{ping['id']}/redeliver")
    send_due()
    assert len(receiver.requests) == 2
    log = client.get(f"{one}/deliveries").content.decode()
    client.delete(one)

    kinds = set(Event.objects.filter(kind__startswith="webhook.").values_list("kind", flat=True))
    assert kinds == {
        "webhook.created",
        "webhook.secret_rotated",
        "webhook.changed",
        "webhook.redelivered",
        "webhook.deleted",
    }
    recorded = json.dumps([e.data for e in Event.objects.all()])
    bodies = "".join(r.body.decode() for r in receiver.requests)
    for secret in secrets:
        assert secret not in recorded
        assert secret[6:] not in recorded  # not even without its prefix
        assert secret not in bodies and secret not in log


# --- production: no plain http, nothing inside the network ---------------------------------------

INTERNAL = [
    "http://93.184.216.34/hook",  # a public address, but plain http
    "https://127.0.0.1/hook",
    "https://127.0.0.1:8443/hook",
    "https://localhost/hook",
    "https://10.0.0.5/hook",
    "https://10.255.1.1/hook",
    "https://169.254.169.254/latest/meta-data/",
    "https://192.168.1.10/hook",
    "https://172.16.5.4/hook",
    "https://100.64.1.1/hook",
    "https://0.0.0.0/hook",
    "https://[::1]/hook",
    "https://[::ffff:10.0.0.1]/hook",
    "https://2130706433/hook",  # 127.0.0.1 written as a number
    "https://0x7f000001/hook",
    "https://127.1/hook",
    "https://unresolvable.invalid/hook",
]


@pytest.fixture
def production(settings):
    settings.WEBHOOK_ALLOW_INTERNAL = False
    return settings


@pytest.mark.parametrize("url", INTERNAL)
def test_production_refuses_plain_http_and_internal_addresses(
    production, community, webmaster, api_client, url
):
    before = snapshot()
    with pytest.raises(Invalid) as caught:
        actions.create_endpoint(webmaster, community, url=url, kinds=KINDS)
    assert list(caught.value.fields) == ["url"]
    response = post_json(api_client(webmaster), hooks_url(community), {"url": url, "kinds": KINDS})
    assert_error(response, 422, "invalid", "url")
    assert snapshot() == before


@pytest.mark.parametrize("url", ["https://93.184.216.34:99999/hook", "https://93.184.216.34:0x50/"])
def test_production_refuses_a_bad_port_with_422(production, community, webmaster, api_client, url):
    before = snapshot()
    response = post_json(api_client(webmaster), hooks_url(community), {"url": url, "kinds": KINDS})
    assert_error(response, 422, "invalid", "url")
    assert snapshot() == before


def test_production_accepts_a_public_https_address(production, community, webmaster, api_client):
    response = post_json(
        api_client(webmaster), hooks_url(community), {"url": PUBLIC_URL, "kinds": KINDS}
    )
    assert response.status_code == 201, response.content
    assert Endpoint.objects.get().url == PUBLIC_URL


def test_production_refuses_moving_an_endpoint_inside_and_the_page_says_so(
    community, webmaster, api_client, production
):
    endpoint = actions.create_endpoint(webmaster, community, url=PUBLIC_URL, kinds=KINDS)
    before = snapshot()
    response = post_json(
        api_client(webmaster),
        f"{API}/webhooks/{endpoint.pk}",
        {"url": "https://169.254.169.254/latest/"},
        "patch",
    )
    assert_error(response, 422, "invalid", "url")
    page = client_for(webmaster).post(
        reverse("webhooks:detail", args=[endpoint.pk]),
        {"url": "https://127.0.0.1/hook", "kinds": KINDS, "active": "on"},
    )
    assert page.status_code == 422
    assert "This address is not allowed" in page.content.decode()
    page = client_for(webmaster).post(
        reverse("webhooks:list", args=[community.slug]),
        {"url": "http://93.184.216.34/hook", "kinds": KINDS},
    )
    assert page.status_code == 422
    assert "only https URLs are allowed" in page.content.decode()
    assert snapshot() == before


def test_production_does_not_send_to_an_endpoint_registered_inside_before(
    community, webmaster, receiver, settings
):
    endpoint = actions.create_endpoint(webmaster, community, url=receiver.url, kinds=KINDS)
    actions.send_test(webmaster, endpoint)
    settings.WEBHOOK_ALLOW_INTERNAL = False

    assert send_due() == 1

    assert receiver.requests == []
    row = Delivery.objects.get()
    assert (row.status, row.attempts, row.response_status) == ("pending", 1, None)
    assert row.error == "only https URLs are allowed"
