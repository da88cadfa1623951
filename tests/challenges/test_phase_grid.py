"""The phase × role × action grid: for each phase as the current one and each role,
which of submit / edit / support / comment are allowed. Each cell checks `can()` and
the real API call (which goes through the action), and that a refusal changes nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from cocreate.challenges import actions as challenge_actions
from cocreate.challenges.models import PHASE_ORDER
from cocreate.core.permissions import can
from cocreate.dialogue.models import Comment
from cocreate.ideas.models import Idea, Support
from tests.challenges.helpers import API, assert_error, db_state, fresh, phases_with_current
from tests.challenges.helpers import post_json as send

pytestmark = pytest.mark.django_db

PHASES = [*PHASE_ORDER, None]  # None: before the first phase starts
ROLES = ["owner", "staff", "moderator", "member", "author", "site_staff", "outsider", "anonymous"]
MEMBERS = {"owner", "staff", "moderator", "member", "author"}
# Who takes part: members of the community, and site staff anywhere.
TAKES_PART = MEMBERS | {"site_staff"}

OPEN_FOR = {
    "submit": {"submission"},
    "edit": {"submission", "support"},
    "support": {"submission", "support"},
    "comment": {"submission", "support", "review", "decision", "delivery"},
}


def expected(action: str, phase: str | None, role: str) -> bool:
    if phase not in OPEN_FOR[action]:
        return False
    if action == "submit":
        return role in TAKES_PART
    if action == "edit":
        return role == "author"
    if action == "comment":
        return role in TAKES_PART
    return role in TAKES_PART and role != "author"  # authors cannot support their own idea


def test_the_expected_grid_matches_the_phase_table():
    from cocreate.challenges.models import PHASE_RULES

    for action, phases in OPEN_FOR.items():
        assert {p for p in PHASE_ORDER if action in PHASE_RULES[p]} == phases


@pytest.fixture
def in_phase(request, challenge, idea, owner):
    """The challenge (with one idea by `author`) moved to the phase under test."""
    phase = request.param
    challenge_actions.set_phases(owner, challenge, phases_with_current(phase))
    return phase


def user_for(request, role):
    return AnonymousUser() if role == "anonymous" else request.getfixturevalue(role)


def refused_status(role: str) -> tuple[int, str]:
    return (401, "unauthenticated") if role == "anonymous" else (403, "forbidden")


@pytest.mark.parametrize("in_phase", PHASES, indirect=True)
@pytest.mark.parametrize("role", ROLES)
def test_submit(request, in_phase, role, challenge, api_client):
    user = user_for(request, role)
    client = api_client(None if role == "anonymous" else user)
    allowed = expected("submit", in_phase, role)

    assert can(user, "idea.submit", fresh(challenge)) is allowed
    before = db_state()
    response = send(
        client,
        f"{API}/challenges/{challenge.pk}/ideas",
        {"title": "Deposit scheme", "body": "Pay a deposit, get it back."},
    )

    if allowed:
        assert response.status_code == 201, response.content
        assert Idea.objects.filter(pk=response.json()["id"], challenge=challenge).exists()
    else:
        assert_error(response, *refused_status(role))
        assert db_state() == before


@pytest.mark.parametrize("in_phase", PHASES, indirect=True)
@pytest.mark.parametrize("role", ROLES)
def test_edit(request, in_phase, role, idea, api_client):
    user = user_for(request, role)
    client = api_client(None if role == "anonymous" else user)
    allowed = expected("edit", in_phase, role)

    assert can(user, "idea.edit", Idea.objects.get(pk=idea.pk)) is allowed
    before = db_state()
    response = send(
        client,
        f"{API}/ideas/{idea.pk}",
        {"body": "Bottles you bring back, refill, repeat."},
        "patch",
    )

    if allowed:
        assert response.status_code == 200, response.content
        assert response.json()["version_count"] == 2
    else:
        assert_error(response, *refused_status(role))
        assert db_state() == before


@pytest.mark.parametrize("in_phase", PHASES, indirect=True)
@pytest.mark.parametrize("role", ROLES)
def test_support(request, in_phase, role, idea, api_client):
    user = user_for(request, role)
    client = api_client(None if role == "anonymous" else user)
    allowed = expected("support", in_phase, role)

    assert can(user, "idea.support", Idea.objects.get(pk=idea.pk)) is allowed
    before = db_state()
    response = send(client, f"{API}/ideas/{idea.pk}/support", {})

    if allowed:
        assert response.status_code == 201, response.content
        assert Support.objects.filter(idea=idea, user=user).count() == 1
        assert Idea.objects.get(pk=idea.pk).support_count == 1
    else:
        assert_error(response, *refused_status(role))
        assert db_state() == before


@pytest.mark.parametrize("in_phase", PHASES, indirect=True)
@pytest.mark.parametrize("role", ROLES)
def test_comment(request, in_phase, role, idea, api_client):
    user = user_for(request, role)
    client = api_client(None if role == "anonymous" else user)
    allowed = expected("comment", in_phase, role)

    assert can(user, "comment.post", Idea.objects.get(pk=idea.pk)) is allowed
    before = db_state()
    response = send(client, f"{API}/ideas/{idea.pk}/comments", {"body": "Which sizes?"})

    if allowed:
        assert response.status_code == 201, response.content
        assert Comment.objects.filter(idea=idea, author=user).count() == 1
        assert Idea.objects.get(pk=idea.pk).comment_count == 1
    else:
        assert_error(response, *refused_status(role))
        assert db_state() == before
