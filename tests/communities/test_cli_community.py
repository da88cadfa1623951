"""The `cocreate community` command runs the same actions and rules as the site."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cocreate.communities.models import Application, Community, Invitation, Membership, Role
from tests.factories import UserFactory, add_member

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("community", *args, stdout=out)
    return out.getvalue()


def test_site_staff_creates_a_community_and_owns_it(site_staff):
    output = run(
        "create",
        "--as",
        site_staff.email,
        "--name",
        "Makers",
        "--slug",
        "makers",
        "--policy",
        "application",
        "--question",
        "Why?",
    )
    community = Community.objects.get(slug="makers")
    assert "makers" in output
    assert community.application_questions == ["Why?"]
    assert Membership.objects.get(community=community, user=site_staff).role == Role.OWNER
    assert "makers" in run("list")


def test_a_member_cannot_create_a_community_and_nothing_changes(member):
    before = Community.objects.count()
    with pytest.raises(CommandError, match="permission"):
        run("create", "--as", member.email, "--name", "Nope", "--slug", "nope")
    assert Community.objects.count() == before


def test_bad_slug_names_the_field(site_staff):
    with pytest.raises(CommandError, match="slug"):
        run("create", "--as", site_staff.email, "--name", "Bad", "--slug", "Bad Slug!")


def test_owner_sets_roles_and_staff_cannot_grant_staff(community, owner, staff, member):
    assert "moderator" in run(
        "role", community.slug, member.email, "moderator", "--as", owner.email
    )
    with pytest.raises(CommandError):
        run("role", community.slug, member.email, "staff", "--as", staff.email)
    assert Membership.objects.get(community=community, user=member).role == Role.MODERATOR


def test_invite_prints_a_working_link(community, owner):
    output = run("invite", community.slug, "--as", owner.email, "--uses", "3", "--days", "2")
    invitation = Invitation.objects.get(community=community)
    assert f"/invite/{invitation.code}/" in output
    assert invitation.max_uses == 3


def test_applications_are_listed_and_decided(community, owner):
    community.join_policy = "application"
    community.save()
    applicant = UserFactory(email="new@example.org")
    application = Application.objects.create(community=community, user=applicant)
    assert "new@example.org" in run("applications", community.slug, "--as", owner.email)
    assert "accepted" in run("decide", str(application.pk), "accept", "--as", owner.email)
    assert Membership.objects.filter(community=community, user=applicant).exists()


def test_remove_needs_a_reason_and_a_manager(community, owner, member):
    outsider = UserFactory()
    add_member(community, outsider)
    with pytest.raises(CommandError):
        run("remove", community.slug, outsider.email, "--reason", "spam", "--as", member.email)
    assert Membership.objects.filter(community=community, user=outsider).exists()
    run("remove", community.slug, outsider.email, "--reason", "spam", "--as", owner.email)
    assert not Membership.objects.filter(community=community, user=outsider).exists()


def test_unknown_people_and_communities_are_clear_errors(owner):
    with pytest.raises(CommandError, match="No active account"):
        run("invite", "anything", "--as", "nobody@example.org")
    with pytest.raises(CommandError, match="No community"):
        run("invite", "missing", "--as", owner.email)
