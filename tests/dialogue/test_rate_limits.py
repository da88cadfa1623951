"""Brakes on new members (joined less than a day ago): 30 s between comments, 10
comments on day one, at most 2 links a comment; an hourly limit for everyone;
moderators exempt. Refusals are a 429 with Retry-After and a clear message (a 422
on `body` for links), and create nothing. The clock is frozen (`clock`): the rate
buckets are windows of timezone.now."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cocreate.communities import actions as community_actions
from cocreate.communities.models import Role
from cocreate.core.errors import RateLimited
from cocreate.dialogue import actions
from cocreate.dialogue.models import Comment
from tests.conftest import client_for
from tests.dialogue.helpers import API, assert_error
from tests.factories import UserFactory, add_member

LINKS = "See https://a.example, http://b.example and www.c.example"


@pytest.fixture
def newcomer(clock, community):
    """A member who joined at the frozen moment."""
    user = UserFactory(display_name="Nia Newcomer")
    add_member(community, user, days_ago=0)
    return user


def comment(client, idea, body="Hello", **extra):
    return client.post(
        f"{API}/ideas/{idea.pk}/comments", {"body": body, **extra}, content_type="application/json"
    )


def test_a_second_comment_within_30_seconds_is_429_on_the_page(clock, idea, newcomer):
    client = client_for(newcomer)
    url = reverse("dialogue:post_idea", args=[idea.pk])
    assert client.post(url, {"body": "First thoughts"}).status_code == 302
    clock.advance(seconds=10)

    response = client.post(url, {"body": "More thoughts"})

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 30
    html = response.content.decode()
    assert "New members wait 30 seconds between comments." in html
    assert "More thoughts" in html  # the text is kept in the form
    assert list(Comment.objects.values_list("body", flat=True)) == ["First thoughts"]


def test_a_second_comment_within_30_seconds_is_429_in_the_api(
    clock, idea, challenge, newcomer, api_client
):
    client = api_client(newcomer)
    first = comment(client, idea, "First")
    assert first.status_code == 201
    clock.advance(seconds=29)
    for response in (
        comment(client, idea, "Second"),
        comment(client, idea, "A reply", parent=first.json()["id"]),
        client.post(
            f"{API}/challenges/{challenge.pk}/comments",
            {"body": "On the challenge"},
            content_type="application/json",
        ),
    ):
        error = assert_error(response, 429, "rate_limited")
        assert "30 seconds" in error["message"]
        assert 1 <= int(response["Retry-After"]) <= 30
    assert Comment.objects.count() == 1


def test_30_seconds_later_a_new_member_may_post_again(clock, idea, newcomer, api_client):
    client = api_client(newcomer)
    assert comment(client, idea, "First").status_code == 201
    clock.advance(seconds=30)
    assert comment(client, idea, "Second").status_code == 201


def test_waiting_as_long_as_retry_after_says_is_enough(clock, idea, newcomer, api_client):
    client = api_client(newcomer)
    assert comment(client, idea, "First").status_code == 201
    clock.advance(seconds=5)
    refused = comment(client, idea, "Second")
    assert refused.status_code == 429
    clock.advance(seconds=int(refused["Retry-After"]))
    response = comment(client, idea, "Second")
    assert response.status_code == 201, (response.status_code, response.get("Retry-After"))


def test_after_a_pause_a_new_member_may_post_again(clock, idea, newcomer, api_client):
    client = api_client(newcomer)
    assert comment(client, idea, "First").status_code == 201
    clock.advance(seconds=90)
    assert comment(client, idea, "Second").status_code == 201
    assert Comment.objects.count() == 2


def test_the_eleventh_comment_on_day_one_is_429(clock, idea, newcomer, api_client):
    client = api_client(newcomer)
    for n in range(10):
        response = comment(client, idea, f"Comment {n}")
        assert response.status_code == 201, (n, response.content)
        clock.advance(seconds=90)

    response = comment(client, idea, "Eleventh")

    error = assert_error(response, 429, "rate_limited")
    assert "10 comments a day" in error["message"]
    assert int(response["Retry-After"]) > 90
    assert Comment.objects.count() == 10
    # A day after joining, the member is no longer new: no daily cap, no pause.
    clock.advance(days=1)
    assert comment(client, idea, "Day two").status_code == 201
    assert comment(client, idea, "And more").status_code == 201


def test_three_links_from_a_new_member_are_422_on_body(clock, idea, newcomer, api_client):
    client = api_client(newcomer)
    assert_error(comment(client, idea, LINKS), 422, "invalid", "body")
    page = client_for(newcomer).post(reverse("dialogue:post_idea", args=[idea.pk]), {"body": LINKS})
    assert page.status_code == 422
    assert "at most 2 links" in page.content.decode()
    assert not Comment.objects.exists()
    # Refused before anything is counted: a comment with two links goes through at once.
    two = "See https://a.example and https://b.example"
    assert comment(client, idea, two).status_code == 201


def test_established_members_are_not_held(clock, idea, member, api_client):
    client = api_client(member)
    for body in ("One", "Two", LINKS):
        response = comment(client, idea, body)
        assert response.status_code == 201, response.content
    assert Comment.objects.filter(author=member).count() == 3


def test_moderators_are_exempt(clock, idea, community, api_client, settings):
    settings.COMMENTS_PER_HOUR = 2
    fresh = UserFactory()
    add_member(community, fresh, Role.MODERATOR, days_ago=0)
    client = api_client(fresh)
    for body in ("One", "Two", "Three", LINKS):
        response = comment(client, idea, body)
        assert response.status_code == 201, response.content


def test_everyone_has_an_hourly_limit(clock, idea, member, api_client, settings):
    settings.COMMENTS_PER_HOUR = 3
    client = api_client(member)
    for n in range(3):
        assert comment(client, idea, f"Fast {n}").status_code == 201
        clock.advance(seconds=60)
    response = comment(client, idea, "Too fast")
    error = assert_error(response, 429, "rate_limited")
    assert "please wait" in error["message"]
    assert int(response["Retry-After"]) >= 1
    assert Comment.objects.count() == 3


def test_someone_who_just_joined_is_a_new_member(idea, community, api_client):
    joiner = UserFactory()
    community_actions.join(joiner, community)
    actions.post_comment(joiner, idea, body="Hi all")
    with pytest.raises(RateLimited):
        actions.post_comment(joiner, idea, body="Me again")
    assert_error(comment(api_client(joiner), idea, "And again"), 429, "rate_limited")
    assert Comment.objects.count() == 1
