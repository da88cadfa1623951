"""The dialogue through the API: the routes DESIGN.md and issue 4 name."""

from __future__ import annotations

from cocreate.dialogue import actions
from cocreate.dialogue.models import Comment


def test_post_list_reply_edit_delete(idea, member, author, api_client):
    client = api_client(member)
    url = f"/api/v1/ideas/{idea.pk}/comments"
    response = client.post(url, {"body": "Top"}, content_type="application/json")
    assert response.status_code == 201, response.content
    top = response.json()
    assert top["author"]["display_name"] == member.display_name and top["depth"] == 0
    reply = api_client(author).post(
        url, {"body": "Reply", "parent": top["id"]}, content_type="application/json"
    )
    assert reply.status_code == 201 and reply.json()["parent"] == top["id"]
    listing = client.get(url).json()
    assert listing["count"] == 2 and [c["body"] for c in listing["items"]] == ["Top", "Reply"]
    edited = client.patch(
        f"/api/v1/comments/{top['id']}", {"body": "Top!"}, content_type="application/json"
    )
    assert edited.status_code == 200 and edited.json()["edited_at"] is not None
    versions = client.get(f"/api/v1/comments/{top['id']}/versions").json()
    assert [v["body"] for v in versions["items"]] == ["Top!", "Top"]
    deleted = client.delete(f"/api/v1/comments/{top['id']}")
    assert deleted.json() == {"id": top["id"], "placeholder": True}
    assert client.get(f"/api/v1/comments/{top['id']}").json()["deleted"] is True


def test_errors_name_the_field(idea, member, api_client):
    client = api_client(member)
    url = f"/api/v1/ideas/{idea.pk}/comments"
    response = client.post(url, {"body": ""}, content_type="application/json")
    assert response.status_code == 422 and "body" in response.json()["error"]["fields"]
    response = client.post(url, {"body": "x", "parent": 999999}, content_type="application/json")
    assert response.status_code == 422 and "parent" in response.json()["error"]["fields"]
    assert not Comment.objects.exists()


def test_reactions_and_accept(idea, member, author, api_client):
    question = actions.post_comment(member, idea, body="How heavy?")
    answer = actions.post_comment(author, idea, body="2 kg", parent=question)
    client = api_client(member)
    response = client.post(
        f"/api/v1/comments/{answer.pk}/reactions",
        {"kind": "thumbs_up"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["reactions"] == {"thumbs_up": 1}
    assert response.json()["my_reactions"] == ["thumbs_up"]
    again = client.post(
        f"/api/v1/comments/{answer.pk}/reactions",
        {"kind": "thumbs_up"},
        content_type="application/json",
    )
    assert again.status_code == 409
    assert (
        client.delete(f"/api/v1/comments/{answer.pk}/reactions/thumbs_up").json()["reactions"] == {}
    )
    accepted = client.post(
        f"/api/v1/comments/{answer.pk}/accept", {}, content_type="application/json"
    )
    assert accepted.status_code == 200 and accepted.json()["accepted_answer"] == answer.pk


def test_challenge_comments_and_official(challenge, staff, member, api_client):
    url = f"/api/v1/challenges/{challenge.pk}/comments"
    response = api_client(staff).post(
        url, {"body": "Deadline moved", "official": True}, content_type="application/json"
    )
    assert response.status_code == 201 and response.json()["official"] is True
    refused = api_client(member).post(
        url, {"body": "Me too", "official": True}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert [c["body"] for c in api_client(None).get(url).json()["items"]] == ["Deadline moved"]


def test_api_reaction_kinds_are_the_model_kinds():
    from typing import get_args

    from cocreate.dialogue.api import Kind
    from cocreate.dialogue.models import ReactionKind

    assert list(get_args(Kind)) == list(ReactionKind.values)


def test_unknown_reaction_kind_is_422(idea, member, author, api_client):
    comment = actions.post_comment(author, idea, body="Hi")
    client = api_client(member)
    response = client.post(
        f"/api/v1/comments/{comment.pk}/reactions",
        {"kind": "poop"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert client.delete(f"/api/v1/comments/{comment.pk}/reactions/poop").status_code == 422
