"""Following by hand (the Follow button on each page, and the API) for communities,
challenges, ideas and people; automatic follows on what one submits, supports or
comments on, which a manual unfollow turns off for good; and the follows that are
refused (oneself, what one cannot see, someone else's follow)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from cocreate.core.errors import Invalid, NotFound
from cocreate.core.models import Event
from cocreate.dialogue import actions as dialogue
from cocreate.dialogue import moderation
from cocreate.ideas import actions as idea_actions
from cocreate.notifications import actions
from cocreate.notifications.models import Follow
from tests.challenges.helpers import make_challenge
from tests.conftest import client_for
from tests.notifications.helpers import API, assert_error, deliver, post_json, snapshot

pytestmark = pytest.mark.django_db

KINDS = ["community", "challenge", "idea", "person"]


def target_of(kind: str, community, challenge, idea, author) -> tuple[Any, str, Any]:
    """(the object, its page, its value in the API's follow body)."""
    if kind == "community":
        return community, reverse("communities:detail", args=[community.slug]), community.slug
    if kind == "challenge":
        return challenge, reverse("challenges:detail", args=[challenge.pk]), challenge.pk
    if kind == "idea":
        return idea, reverse("ideas:detail", args=[idea.pk]), idea.pk
    return author, reverse("accounts:profile", args=[author.pk]), author.pk


def button(page: str) -> str:
    """The pressed state of the page's Follow button."""
    assert 'action="/follow/"' in page
    return "pressed" if 'aria-pressed="true"' in page else "not pressed"


@pytest.mark.parametrize("kind", KINDS)
def test_follow_and_unfollow_with_the_page_button(kind, community, challenge, idea, author, member):
    deliver()
    obj, page, _value = target_of(kind, community, challenge, idea, author)
    client = client_for(member)
    assert button(client.get(page).content.decode()) == "not pressed"

    response = client.post(
        reverse("notifications:follow"), {"kind": kind, "id": obj.pk, "next": page}
    )

    assert response.status_code == 302 and response["Location"] == page
    row = Follow.objects.get(user=member, **{kind: obj})
    assert row.automatic is False
    assert Event.objects.filter(kind="follow.created", actor=member).count() == 1
    assert button(client.get(page).content.decode()) == "pressed"
    following = client.get(reverse("notifications:follows")).content.decode()
    assert page in following

    client.post(reverse("notifications:follow"), {"kind": kind, "id": obj.pk, "next": page})

    assert not Follow.objects.filter(user=member, **{kind: obj}).exists()
    assert Event.objects.filter(kind="follow.removed", actor=member).count() == 1
    assert button(client.get(page).content.decode()) == "not pressed"


def test_follow_button_refuses_an_outside_next(community, member):
    response = client_for(member).post(
        reverse("notifications:follow"),
        {"kind": "community", "id": community.pk, "next": "https://evil.example/"},
    )
    assert response.status_code == 302 and response["Location"] == "/"
    assert Follow.objects.filter(user=member, community=community).exists()


@pytest.mark.parametrize(
    "form",
    [{"kind": "planet", "id": "1"}, {"kind": "idea", "id": "x"}, {"kind": "idea", "id": "999999"}],
)
def test_follow_button_with_a_bad_target_is_404(member, form):
    before = snapshot()
    assert client_for(member).post(reverse("notifications:follow"), form).status_code == 404
    assert snapshot() == before


def test_follow_button_needs_sign_in(community):
    response = client_for(None).post(
        reverse("notifications:follow"), {"kind": "community", "id": community.pk}
    )
    assert response.status_code == 302 and "/login" in response["Location"]
    assert not Follow.objects.exists()


@pytest.mark.parametrize("kind", KINDS)
def test_follow_list_and_unfollow_through_the_api(
    kind, community, challenge, idea, author, member, api_client
):
    deliver()
    obj, _page, value = target_of(kind, community, challenge, idea, author)
    api = api_client(member)

    created = post_json(api, f"{API}/follows", {kind: value})

    assert created.status_code == 201, created.content
    body = created.json()
    assert body["kind"] == kind and body["target"] == str(value) and body["automatic"] is False
    row = Follow.objects.get(pk=body["id"])
    assert row.user == member and getattr(row, f"{kind}_id") == obj.pk
    listed = api.get(f"{API}/follows").json()
    assert [item["id"] for item in listed["items"]] == [body["id"]]
    assert_error(post_json(api, f"{API}/follows", {kind: value}), 409, "conflict")
    assert Follow.objects.filter(user=member).count() == 1

    assert api.delete(f"{API}/follows/{body['id']}").status_code == 204
    assert not Follow.objects.filter(user=member).exists()
    assert_error(api.delete(f"{API}/follows/{body['id']}"), 404, "not_found")


@pytest.mark.parametrize("body", [{}, {"idea": 1, "challenge": 1}, {"idea": 0}])
def test_api_follow_needs_exactly_one_target(member, api_client, body):
    before = snapshot()
    assert_error(post_json(api_client(member), f"{API}/follows", body), 422, "invalid")
    assert snapshot() == before


@pytest.mark.parametrize("body", [{"community": "no-such-place"}, {"idea": 987654}])
def test_api_follow_of_something_that_does_not_exist_is_refused(member, api_client, body):
    before = snapshot()
    response = post_json(api_client(member), f"{API}/follows", body)
    assert response.status_code in (404, 422), response.content
    assert snapshot() == before


def test_an_unconfirmed_account_cannot_follow(community, member, api_client):
    member.email_confirmed_at = None
    member.save(update_fields=["email_confirmed_at"])
    before = snapshot()
    response = post_json(api_client(member), f"{API}/follows", {"community": community.slug})
    assert response.status_code in (403, 404), response.content
    assert snapshot() == before


# --- automatic follows ---------------------------------------------------------------------


def test_submitting_supporting_and_commenting_follow_automatically(
    challenge, idea, author, member, make_members
):
    [talker, fan] = make_members(2)
    idea_actions.support(member, idea)
    dialogue.post_comment(fan, idea, body="Count me in")
    dialogue.post_comment(talker, challenge, body="What about glass?")
    deliver()

    automatic = set(
        Follow.objects.filter(automatic=True).values_list("user_id", "idea_id", "challenge_id")
    )
    assert automatic == {
        (author.pk, idea.pk, None),
        (member.pk, idea.pk, None),
        (fan.pk, idea.pk, None),
        (talker.pk, None, challenge.pk),
    }
    assert not Follow.objects.filter(automatic=False).exists()
    # Automatic follows make no "follow.created" events (those are for follows by hand).
    assert not Event.objects.filter(kind="follow.created").exists()


def test_automatic_follow_is_not_doubled_by_a_second_comment(idea, member):
    dialogue.post_comment(member, idea, body="One")
    dialogue.post_comment(member, idea, body="Two")
    deliver()
    assert Follow.objects.filter(user=member, idea=idea).count() == 1


def test_a_manual_follow_stays_manual_when_one_then_comments(idea, member, api_client):
    post_json(api_client(member), f"{API}/follows", {"idea": idea.pk})
    dialogue.post_comment(member, idea, body="Hello")
    deliver()
    assert list(
        Follow.objects.filter(user=member, idea=idea).values_list("automatic", flat=True)
    ) == [False]


def test_after_unfollowing_by_hand_support_and_comments_do_not_follow_again(
    idea, member, api_client
):
    idea_actions.support(member, idea)
    deliver()
    row = Follow.objects.get(user=member, idea=idea)
    assert row.automatic
    assert api_client(member).delete(f"{API}/follows/{row.pk}").status_code == 204

    idea_actions.withdraw_support(member, idea)
    idea_actions.support(member, idea)
    dialogue.post_comment(member, idea, body="Still here")
    deliver()

    assert not Follow.objects.filter(user=member, idea=idea).exists()


def test_after_unfollowing_a_challenge_with_the_button_comments_do_not_follow_again(
    challenge, member
):
    dialogue.post_comment(member, challenge, body="First")
    deliver()
    assert Follow.objects.filter(user=member, challenge=challenge, automatic=True).exists()
    client_for(member).post(
        reverse("notifications:follow"), {"kind": "challenge", "id": challenge.pk}
    )
    dialogue.post_comment(member, challenge, body="Second")
    deliver()
    assert not Follow.objects.filter(user=member, challenge=challenge).exists()


def test_unfollowing_one_idea_does_not_stop_automatic_follows_of_another(
    challenge, idea, author, member, api_client
):
    other = idea_actions.submit_idea(author, challenge, title="Deposit scheme", body="Pay back.")
    idea_actions.support(member, idea)
    deliver()
    row = Follow.objects.get(user=member, idea=idea)
    api_client(member).delete(f"{API}/follows/{row.pk}")
    idea_actions.support(member, other)
    deliver()
    assert set(Follow.objects.filter(user=member).values_list("idea_id", flat=True)) == {other.pk}


def test_following_by_hand_after_unfollowing_works(idea, member, api_client):
    idea_actions.support(member, idea)
    deliver()
    api = api_client(member)
    api.delete(f"{API}/follows/{Follow.objects.get(user=member).pk}")
    assert post_json(api, f"{API}/follows", {"idea": idea.pk}).status_code == 201
    assert Follow.objects.get(user=member, idea=idea).automatic is False


# --- refused follows -------------------------------------------------------------------------


def test_nobody_follows_themselves(member, api_client):
    before = snapshot()
    assert_error(
        post_json(api_client(member), f"{API}/follows", {"person": member.pk}),
        422,
        "invalid",
        "person",
    )
    response = client_for(member).post(
        reverse("notifications:follow"), {"kind": "person", "id": member.pk}
    )
    assert response.status_code in (404, 422)
    assert snapshot() == before
    with pytest.raises(Invalid):
        actions.follow(member, person=member)


def test_a_private_community_is_not_followed_by_an_outsider(private_space, outsider, api_client):
    space = private_space.community
    before = snapshot()
    response = post_json(api_client(outsider), f"{API}/follows", {"community": space.slug})
    assert response.status_code in (404, 422), response.content
    page = client_for(outsider).post(
        reverse("notifications:follow"), {"kind": "community", "id": space.pk}
    )
    assert page.status_code in (404, 422)
    assert snapshot() == before


def test_a_private_community_is_refused_exactly_like_one_that_does_not_exist(
    private_space, outsider, api_client
):
    api = api_client(outsider)
    hidden = post_json(api, f"{API}/follows", {"community": private_space.community.slug})
    missing = post_json(api, f"{API}/follows", {"community": "no-such-community"})
    assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json())


def test_a_challenge_in_a_private_community_is_not_followed_by_an_outsider(
    private_space, outsider, api_client
):
    before = snapshot()
    response = post_json(
        api_client(outsider), f"{API}/follows", {"challenge": private_space.challenge.pk}
    )
    assert response.status_code in (404, 422), response.content
    assert snapshot() == before


def test_a_draft_challenge_is_followed_only_by_those_who_see_it(
    community, owner, member, api_client
):
    draft = make_challenge(owner, community, title="Not yet", publish=False)
    before = snapshot()
    response = post_json(api_client(member), f"{API}/follows", {"challenge": draft.pk})
    assert response.status_code in (404, 422), response.content
    page = client_for(member).post(
        reverse("notifications:follow"), {"kind": "challenge", "id": draft.pk}
    )
    assert page.status_code in (404, 422)
    assert snapshot() == before
    # The owner sees the draft; following it is allowed.
    assert (
        post_json(api_client(owner), f"{API}/follows", {"challenge": draft.pk}).status_code == 201
    )


def test_a_hidden_idea_is_not_followed_by_members(
    idea, member, moderator, make_members, api_client
):
    for person in make_members(3):
        moderation.flag(person, idea, reason="spam")
    idea.refresh_from_db()
    assert idea.moderation == "hidden"
    before = snapshot()
    response = post_json(api_client(member), f"{API}/follows", {"idea": idea.pk})
    assert response.status_code in (404, 422), response.content
    page = client_for(member).post(reverse("notifications:follow"), {"kind": "idea", "id": idea.pk})
    assert page.status_code in (404, 422)
    assert snapshot() == before


def test_a_removed_idea_is_not_followed(idea, member, moderator, api_client):
    moderation.decide(moderator, idea, decision="remove", reason="Off topic")
    before = snapshot()
    response = post_json(api_client(member), f"{API}/follows", {"idea": idea.pk})
    assert response.status_code in (404, 422), response.content
    assert snapshot() == before


def test_nobody_unfollows_someone_elses_follow(idea, author, member, api_client):
    deliver()
    theirs = Follow.objects.get(user=author, idea=idea)
    before = snapshot()
    assert_error(api_client(member).delete(f"{API}/follows/{theirs.pk}"), 404, "not_found")
    assert snapshot() == before
    with pytest.raises(NotFound):
        actions.unfollow(member, theirs)
    assert Follow.objects.filter(pk=theirs.pk).exists()


def test_the_follows_api_lists_only_ones_own(idea, author, member, api_client):
    deliver()
    post_json(api_client(member), f"{API}/follows", {"person": author.pk})
    mine = api_client(member).get(f"{API}/follows").json()
    assert [(i["kind"], i["target"]) for i in mine["items"]] == [("person", str(author.pk))]
    theirs = api_client(author).get(f"{API}/follows").json()
    assert [(i["kind"], i["target"], i["automatic"]) for i in theirs["items"]] == [
        ("idea", str(idea.pk), True)
    ]


def test_follows_need_authentication(community, api_client):
    response = post_json(api_client(None), f"{API}/follows", {"community": community.slug})
    assert_error(response, 401, "unauthenticated")
    assert not Follow.objects.exists()


def test_what_i_follow_lists_each_follow_and_leaves_out_hidden_ideas(
    community, idea, author, member, make_members
):
    idea_actions.support(member, idea)
    actions.follow(member, community=community)
    actions.follow(member, person=author)
    deliver()
    page = client_for(member).get(reverse("notifications:follows")).content.decode()
    assert community.name in page and author.display_name in page and idea.title in page
    assert page.count("followed automatically") == 1  # the idea, followed on support

    for person in make_members(3):
        moderation.flag(person, idea, reason="spam")

    page = client_for(member).get(reverse("notifications:follows")).content.decode()
    assert idea.title not in page and f"/ideas/{idea.pk}/" not in page
    assert community.name in page
