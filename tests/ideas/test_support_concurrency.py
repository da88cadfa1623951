"""Support counts stay exact when many people press the button at the same moment:
the unique constraint decides, and the counter moves with F() under the idea lock.
Each thread has its own database connection (run on SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from cocreate.challenges import actions as challenge_actions
from cocreate.communities.models import Role
from cocreate.core.errors import ActionError, Conflict
from cocreate.ideas import actions
from cocreate.ideas.models import CoAuthor, Idea, Support
from tests.challenges.helpers import open_submission
from tests.factories import CommunityFactory, UserFactory, add_member
from tests.threads import run_at_once

pytestmark = pytest.mark.django_db(transaction=True)

N = 50


@pytest.fixture
def setting():
    community = CommunityFactory()
    owner = UserFactory()
    add_member(community, owner, Role.OWNER)
    challenge = challenge_actions.create_challenge(owner, community, title="Busy")
    challenge_actions.set_phases(owner, challenge, open_submission())
    challenge_actions.publish_challenge(owner, challenge)
    author = UserFactory()
    add_member(community, author)
    # A small ladder, so the concurrent supports also climb it.
    actions.set_ladder(
        owner, community, [{"threshold": 10, "days": 30}, {"threshold": 40, "days": 30}]
    )
    idea = actions.submit_idea(author, challenge, title="Popular", body="Everyone wants it.")
    return community, idea


def support_fresh(user: Any, idea_pk: int) -> Any:
    return actions.support(
        user, Idea.objects.select_related("challenge__community").get(pk=idea_pk)
    )


def test_fifty_members_supporting_at_once_make_exactly_fifty_supports(setting):
    community, idea = setting
    people = [UserFactory() for _ in range(N)]
    for person in people:
        add_member(community, person)

    results = run_at_once(N, lambda i: support_fresh(people[i], idea.pk))

    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors[:3]
    idea.refresh_from_db()
    assert Support.objects.filter(idea=idea).count() == N
    assert idea.support_count == N
    # The ladder saw every count once: both thresholds reached, not skipped or repeated.
    assert idea.ladder_level == 2
    assert idea.ladder_completed_at is not None


def test_one_member_supporting_fifty_times_at_once_makes_one_support(setting):
    community, idea = setting
    person = UserFactory()
    add_member(community, person)

    results = run_at_once(N, lambda i: support_fresh(person, idea.pk))

    unexpected = [
        r for r in results if isinstance(r, BaseException) and not isinstance(r, Conflict)
    ]
    assert not unexpected, unexpected[:3]
    assert sum(isinstance(r, Support) for r in results) == 1
    assert sum(isinstance(r, Conflict) for r in results) == N - 1
    idea.refresh_from_db()
    assert Support.objects.filter(idea=idea).count() == 1
    assert idea.support_count == 1


def test_supports_and_withdrawals_at_once_keep_the_count_exact(setting):
    community, idea = setting
    people = [UserFactory() for _ in range(20)]
    for person in people:
        add_member(community, person)
    for person in people[:10]:
        support_fresh(person, idea.pk)

    def work(i: int) -> Any:
        fresh = Idea.objects.select_related("challenge__community").get(pk=idea.pk)
        if i < 10:
            return actions.withdraw_support(people[i], fresh)
        return actions.support(people[i], fresh)

    results = run_at_once(20, work)

    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors[:3]
    idea.refresh_from_db()
    assert Support.objects.filter(idea=idea).count() == 10
    assert idea.support_count == 10


def test_a_coauthor_accepting_while_their_support_is_in_flight_ends_up_not_supporting(
    setting, monkeypatch
):
    # The support passes its permission check ("not an author") just before the same
    # member accepts a co-authorship; the support must check again under its lock
    # (and accepting must take the same lock), or a co-author ends up a supporter.
    community, idea = setting
    person = UserFactory()
    add_member(community, person)
    actions.invite_coauthor(idea.author, idea, person)
    checked, accepted = threading.Event(), threading.Event()
    real_require = actions.require

    def require_then_wait(user: Any, verb: str, obj: Any = None) -> None:
        real_require(user, verb, obj)
        if verb == "idea.support":
            checked.set()
            accepted.wait(timeout=10)

    monkeypatch.setattr(actions, "require", require_then_wait)

    def work(i: int) -> Any:
        if i == 0:
            return support_fresh(person, idea.pk)
        checked.wait(timeout=10)
        try:
            return actions.answer_coauthorship(person, Idea.objects.get(pk=idea.pk), accept=True)
        finally:
            accepted.set()

    results = run_at_once(2, work)

    unexpected = [r for r in results if isinstance(r, BaseException)]
    unexpected = [r for r in unexpected if not isinstance(r, ActionError)]
    assert not unexpected, unexpected
    assert CoAuthor.objects.get(idea=idea, user=person).status == "accepted"
    idea.refresh_from_db()
    assert not Support.objects.filter(idea=idea, user=person).exists()
    assert idea.support_count == Support.objects.filter(idea=idea).count()
