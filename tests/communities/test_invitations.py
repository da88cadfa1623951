"""Invitation links: they expire, are capped in uses, can be revoked, admit only
people who may join (a circle needs its parent), and can be emailed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from cocreate.communities import actions
from cocreate.communities.models import Invitation, Membership
from cocreate.core.consumers import run_all
from cocreate.core.errors import Conflict, Forbidden, Invalid, NotFound
from cocreate.core.models import Event
from tests.communities.helpers import (
    API,
    assert_error,
    assert_member_counts_exact,
    db_state,
    post_json,
)
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def invite_only(community, owner, staff, member):
    community.join_policy = "invitation"
    community.save()
    return community


@pytest.fixture
def invitation(invite_only, staff):
    return actions.create_invitation(staff, invite_only, max_uses=2, note="Welcome, riders")


def expire(invitation: Invitation) -> None:
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    invitation.refresh_from_db()


def test_staff_create_an_invitation_link_through_the_api(invite_only, staff, api_client):
    response = post_json(
        api_client(staff),
        f"{API}/communities/{invite_only.slug}/invitations",
        {"expires_in_days": 3, "max_uses": 5, "note": "Hi"},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    invitation = Invitation.objects.get(pk=body["id"])
    assert body["url"] == f"http://testserver/invite/{invitation.code}/"
    assert (body["max_uses"], body["use_count"], body["usable"]) == (5, 0, True)
    assert invitation.created_by == staff
    remaining = invitation.expires_at - timezone.now()
    assert timedelta(days=2, hours=23) < remaining <= timedelta(days=3)
    assert Event.objects.filter(kind="invitation.created", target_id=invitation.pk).exists()


@pytest.mark.parametrize(
    ("field", "value"), [("expires_in_days", 0), ("expires_in_days", 91), ("max_uses", 0)]
)
def test_invitation_limits_are_validated(invite_only, staff, api_client, field, value):
    client = api_client(staff)
    before = db_state()

    with pytest.raises(Invalid) as exc:
        actions.create_invitation(staff, invite_only, **{field: value})
    response = post_json(
        client, f"{API}/communities/{invite_only.slug}/invitations", {field: value}
    )

    assert field in exc.value.fields
    assert_error(response, 422, "invalid", field=field)
    assert db_state() == before


@pytest.mark.parametrize("who", ["moderator", "member", "outsider"])
def test_only_staff_create_invitations(request, invite_only, api_client, who):
    person = request.getfixturevalue(who)
    client = api_client(person)
    before = db_state()

    with pytest.raises(Forbidden):
        actions.create_invitation(person, invite_only)
    response = post_json(client, f"{API}/communities/{invite_only.slug}/invitations", {})
    listing = client.get(f"{API}/communities/{invite_only.slug}/invitations")
    page = client_for(person).post(
        f"/c/{invite_only.slug}/admin/invitations/", {"expires_in_days": 7, "max_uses": 1}
    )

    assert_error(response, 403, "forbidden")
    assert_error(listing, 403, "forbidden")
    assert page.status_code == 403
    assert db_state() == before


def test_accepting_makes_a_member_and_counts_the_use(invitation, invite_only, api_client):
    person = UserFactory()

    response = post_json(api_client(person), f"{API}/invitations/{invitation.code}/accept")

    assert response.status_code == 201, response.content
    assert response.json()["role"] == "member"
    assert Membership.objects.filter(community=invite_only, user=person).exists()
    invitation.refresh_from_db()
    assert invitation.use_count == 1
    event = Event.objects.get(kind="membership.joined", actor=person)
    assert event.data["via"] == "invitation" and event.data["invitation_id"] == invitation.pk
    assert_member_counts_exact()


def test_an_expired_invitation_is_refused_and_nothing_changes(invitation, api_client):
    expire(invitation)
    person = UserFactory()
    client = api_client(person)
    before = db_state()

    with pytest.raises(Conflict):
        actions.accept_invitation(person, invitation.code)
    response = post_json(client, f"{API}/invitations/{invitation.code}/accept")
    page = client_for(person).post(f"/invite/{invitation.code}/")

    assert_error(response, 409, "conflict")
    assert page.status_code == 409
    assert db_state() == before
    assert not Membership.objects.filter(user=person).exists()


def test_the_usage_cap_refuses_the_third_person(invitation, invite_only, api_client):
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    actions.accept_invitation(first, invitation.code)
    actions.accept_invitation(second, invitation.code)
    client = api_client(third)
    before = db_state()

    with pytest.raises(Conflict):
        actions.accept_invitation(third, invitation.code)
    response = post_json(client, f"{API}/invitations/{invitation.code}/accept")

    assert_error(response, 409, "conflict")
    assert db_state() == before
    invitation.refresh_from_db()
    assert invitation.use_count == 2
    assert invitation.usable is False
    joined = Membership.objects.filter(community=invite_only, user__in=[first, second, third])
    assert set(joined.values_list("user_id", flat=True)) == {first.pk, second.pk}


def test_a_revoked_invitation_is_refused(invitation, staff, api_client):
    client = api_client(staff)
    response = client.delete(f"{API}/invitations/{invitation.pk}")
    assert response.status_code == 200, response.content
    assert response.json()["revoked_at"] is not None
    assert response.json()["usable"] is False
    assert Event.objects.filter(kind="invitation.revoked").count() == 1
    person = UserFactory()
    before = db_state()

    with pytest.raises(Conflict):
        actions.accept_invitation(person, invitation.code)

    assert db_state() == before
    # Revoking again changes nothing and records nothing.
    assert client.delete(f"{API}/invitations/{invitation.pk}").status_code == 200
    assert db_state() == before


@pytest.mark.parametrize("who", ["moderator", "member", "outsider"])
def test_only_staff_revoke_invitations(request, invitation, api_client, who):
    person = request.getfixturevalue(who)
    client = api_client(person)
    before = db_state()

    with pytest.raises(Forbidden):
        actions.revoke_invitation(person, invitation)
    response = client.delete(f"{API}/invitations/{invitation.pk}")
    page = client_for(person).post(
        f"/c/{invitation.community.slug}/admin/invitations/{invitation.pk}/revoke/"
    )

    assert_error(response, 404, "not_found")
    assert page.status_code == 403
    assert db_state() == before


def test_staff_revoke_through_the_admin_page(invitation, invite_only, staff):
    response = client_for(staff).post(
        f"/c/{invite_only.slug}/admin/invitations/{invitation.pk}/revoke/"
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_a_member_accepting_is_refused_and_the_use_is_not_counted(invitation, member, api_client):
    client = api_client(member)
    before = db_state()

    with pytest.raises(Forbidden):
        actions.accept_invitation(member, invitation.code)
    response = post_json(client, f"{API}/invitations/{invitation.code}/accept")

    assert_error(response, 403, "forbidden")
    assert db_state() == before
    page = client_for(member).get(f"/invite/{invitation.code}/")
    assert "You are already a member." in page.content.decode()


def test_unknown_code_is_404(db, api_client):
    person = UserFactory()
    response = post_json(api_client(person), f"{API}/invitations/no-such-code/accept")
    assert_error(response, 404, "not_found")
    with pytest.raises(NotFound):
        actions.accept_invitation(person, "no-such-code")
    assert client_for(person).get("/invite/no-such-code/").status_code == 404


def test_unconfirmed_people_cannot_accept(invitation):
    person = UserFactory(email_confirmed_at=None)
    before = db_state()
    with pytest.raises(Forbidden):
        actions.accept_invitation(person, invitation.code)
    assert db_state() == before


def test_a_circle_invitation_requires_membership_of_the_parent(community, owner, api_client):
    circle = actions.create_circle(owner, community, name="Gravel", slug="gravel")
    invitation = actions.create_invitation(owner, circle, max_uses=5)
    person = UserFactory()
    client = api_client(person)
    before = db_state()

    with pytest.raises(Forbidden):
        actions.accept_invitation(person, invitation.code)
    response = post_json(client, f"{API}/invitations/{invitation.code}/accept")
    page = client_for(person).get(f"/invite/{invitation.code}/")

    assert_error(response, 403, "forbidden")
    assert db_state() == before
    assert f"Join {community.name} first" in page.content.decode()

    actions.join(person, community)
    actions.accept_invitation(person, invitation.code)

    assert Membership.objects.filter(community=circle, user=person).exists()
    invitation.refresh_from_db()
    assert invitation.use_count == 1
    assert_member_counts_exact()


def test_an_invitation_admits_to_a_private_community(community, owner):
    community.visibility = "private"
    community.join_policy = "invitation"
    community.save()
    invitation = actions.create_invitation(owner, community)
    person = UserFactory()

    actions.accept_invitation(person, invitation.code)

    page = client_for(person).get(f"/c/{community.slug}/")
    assert page.status_code == 200


def test_an_email_invitation_sends_the_link(invite_only, staff):
    invitation = actions.create_invitation(
        staff, invite_only, email=" Friend@Example.org ", note="Bring your bike"
    )
    assert invitation.email == "friend@example.org"

    run_all()

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["friend@example.org"]
    assert invite_only.name in email.subject
    assert f"http://testserver/invite/{invitation.code}/" in email.body
    assert "Bring your bike" in email.body
    assert "Sam Staff" in email.body
    run_all()
    assert len(mail.outbox) == 1


def test_an_invitation_without_email_sends_nothing(invitation):
    run_all()
    assert mail.outbox == []


def test_an_invalid_email_address_is_rejected(invite_only, staff):
    before = db_state()
    with pytest.raises(Invalid) as exc:
        actions.create_invitation(staff, invite_only, email="not-an-address")
    assert "email" in exc.value.fields
    assert db_state() == before


def test_staff_create_an_emailed_invitation_on_the_admin_page(
    invite_only, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(staff).post(
            f"/c/{invite_only.slug}/admin/invitations/",
            {"expires_in_days": 7, "max_uses": 1, "email": "friend@example.org", "note": ""},
        )

    assert response.status_code == 302
    invitation = Invitation.objects.get(community=invite_only)
    assert invitation.email == "friend@example.org"
    assert len(mail.outbox) == 1
    assert invitation.code in mail.outbox[0].body


def test_invitation_page_asks_anonymous_visitors_to_sign_in(invitation, invite_only):
    response = client_for(None).get(f"/invite/{invitation.code}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert f"You are invited to {invite_only.name}" in html
    assert "Welcome, riders" in html
    assert f"/accounts/login/?next=/invite/{invitation.code}/" in html
    assert "Sign in" in html
    assert "Accept the invitation" not in html


def test_anonymous_posting_to_the_invitation_is_sent_to_sign_in(invitation):
    before = db_state()
    response = client_for(None).post(f"/invite/{invitation.code}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/invite/")
    assert db_state() == before


def test_invitation_page_accepts_for_a_signed_in_person(invitation, invite_only):
    person = UserFactory()
    client = client_for(person)
    page = client.get(f"/invite/{invitation.code}/")
    assert "Accept the invitation" in page.content.decode()

    response = client.post(f"/invite/{invitation.code}/")

    assert response.status_code == 302
    assert response["Location"] == f"/c/{invite_only.slug}/"
    assert Membership.objects.filter(community=invite_only, user=person).exists()


def test_invitation_page_says_when_the_link_expired(invitation):
    expire(invitation)
    html = client_for(UserFactory()).get(f"/invite/{invitation.code}/").content.decode()
    assert "This invitation has expired or has been used up." in html
    assert "Accept the invitation" not in html
