"""The challenge page's idea list, the idea page and the API idea list run a fixed
number of queries, however many ideas, supports, co-authors, remixes and decisions
there are (DESIGN: pin query counts on hot pages)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cocreate.challenges import actions as challenge_actions
from cocreate.dialogue import actions as dialogue
from cocreate.dialogue import updates
from cocreate.ideas import actions
from cocreate.ideas.models import Idea
from tests.accounts.conftest import image_bytes
from tests.challenges.helpers import API
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

QUESTION = "What would you pay?"


@pytest.fixture
def setting(community, owner, staff, challenge, idea, author, make_members):
    challenge_actions.update_challenge(
        owner, challenge, supporter_questions=[QUESTION], response_days=10
    )
    challenge_actions.publish_terms(owner, challenge, usage="Shown in shops.")
    challenge_actions.set_jury(owner, challenge, [{"user_id": staff.pk, "role": "Design"}])
    challenge_actions.set_prizes(owner, challenge, [{"title": "A trip", "points": 10}])
    return challenge, idea


def grow(challenge, idea, author, staff, make_members, n: int) -> None:
    """n more ideas (each with a co-author, supports, tags and a remix link), and on
    the watched idea n more supporters, co-authors, remixes and decisions."""
    for _ in range(n):
        writer, partner, fan = make_members(3)
        other = actions.submit_idea(
            writer,
            challenge,
            title="Another idea",
            body="More *text*.",
            tags=["a", "b"],
            accept_terms=True,
            parent=idea,
        )
        actions.invite_coauthor(writer, other, partner)
        actions.answer_coauthorship(partner, other, accept=True)
        actions.support(fan, Idea.objects.get(pk=other.pk), answers={QUESTION: "5"})

        supporter, coauthor, invitee = make_members(3)
        actions.invite_coauthor(author, Idea.objects.get(pk=idea.pk), invitee)  # left pending
        actions.support(supporter, Idea.objects.get(pk=idea.pk), answers={QUESTION: "7"})
        actions.invite_coauthor(author, Idea.objects.get(pk=idea.pk), coauthor)
        actions.answer_coauthorship(coauthor, Idea.objects.get(pk=idea.pk), accept=True)
        for stage in ("under_review", "gathering_support"):
            actions.change_stage(staff, Idea.objects.get(pk=idea.pk), stage=stage, reason="Hm.")

        # Pictures, threads with replies and reactions, official answers, and the
        # challenge's own discussion.
        actions.add_images(writer, other, [SimpleUploadedFile("a.png", image_bytes(), "image/png")])
        watched = Idea.objects.get(pk=idea.pk)
        question = dialogue.post_comment(supporter, watched, body="How *big*?")
        answer = dialogue.post_comment(author, watched, body="This big.", parent=question)
        deep = dialogue.post_comment(fan, watched, body="Deeper", parent=answer)
        dialogue.post_comment(supporter, watched, body="Deeper still", parent=deep)
        dialogue.post_comment(staff, watched, body="Official", official=True)
        dialogue.react(fan, answer, "heart")
        dialogue.accept_answer(supporter, answer)
        on_challenge = dialogue.post_comment(writer, challenge, body="About the brief")
        dialogue.post_comment(staff, challenge, body="Answer", parent=on_challenge)
        dialogue.react(fan, on_challenge, "idea")
    # Updates (a day's allowance per idea), one mentioning a member, with a comment.
    for number in range(2):
        update = updates.post_update(
            author,
            Idea.objects.get(pk=idea.pk),
            title=f"Progress {n}.{number}",
            body=f"Thanks @{fan.handle}!",
        )
        dialogue.post_comment(fan, update, body="Great news")


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content[:500])
    return len(ctx.captured_queries)


PAGES = [
    ("challenge page", "/challenges/{challenge}/"),
    ("challenge page, top", "/challenges/{challenge}/?sort=top&tag=a"),
    ("idea page", "/ideas/{idea}/"),
    ("api idea list", API + "/challenges/{challenge}/ideas"),
]

# Pinned: a change that adds queries must update these numbers on purpose.
# (Signed-in pages add the session, user and role lookups, the API the token lookup;
# also the header's unread notifications and whether the member follows the challenge
# or idea. Both pages carry a discussion: a count, the page of threads, their replies
# and two reaction queries; the idea page also its latest updates. The idea page reads
# its accepted co-authors twice: constant, but room to trim. Both pages list the
# conversations about them; staff's idea page also the ones a decision can cite.)
EXPECTED = {
    ("challenge page", "anonymous"): 17,
    ("challenge page", "member"): 23,
    ("challenge page", "staff"): 23,
    ("challenge page, top", "anonymous"): 17,
    ("challenge page, top", "member"): 23,
    ("challenge page, top", "staff"): 23,
    ("idea page", "anonymous"): 17,
    ("idea page", "member"): 27,
    ("idea page", "staff"): 29,
    ("api idea list", "anonymous"): 5,
    ("api idea list", "member"): 6,
    ("api idea list", "staff"): 6,
    ("challenge page", "author"): 23,
    ("challenge page, top", "author"): 23,
    ("idea page", "author"): 28,
    ("api idea list", "author"): 6,
}


@pytest.mark.parametrize("who", ["anonymous", "member", "author", "staff"])
def test_query_count_does_not_grow_with_ideas_supports_and_coauthors(
    request, setting, author, staff, make_members, api_client, who
):
    challenge, idea = setting
    user = request.getfixturevalue(who) if who != "anonymous" else None
    browser, api = client_for(user), api_client(user)
    urls = {
        name: (
            api if url.startswith(API) else browser,
            url.format(challenge=challenge.pk, idea=idea.pk),
        )
        for name, url in PAGES
    }
    api.get(f"{API}/ideas/{idea.pk}")  # the first use of an API token records when it was used

    grow(challenge, idea, author, staff, make_members, 2)
    small = {name: count(client, url) for name, (client, url) in urls.items()}
    grow(challenge, idea, author, staff, make_members, 10)
    large = {name: count(client, url) for name, (client, url) in urls.items()}

    assert small == large, f"as {who}: with 2 {small}, with 12 {large}"
    assert large == {name: EXPECTED[(name, who)] for name, _url in PAGES}, f"as {who}: {large}"
