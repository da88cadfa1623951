"""The discussion on idea and challenge pages: posting without JavaScript, errors
as 422 with the field, replies, edits, history, reactions through htmx."""

from __future__ import annotations

from django.urls import reverse

from cocreate.dialogue import actions
from cocreate.dialogue.models import Comment, Reaction
from tests.conftest import client_for


def test_post_from_the_idea_page_lands_on_the_comment(idea, member):
    client = client_for(member)
    response = client.post(reverse("dialogue:post_idea", args=[idea.pk]), {"body": "Nice **idea**"})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/ideas/{idea.pk}/#comment-{comment.pk}"
    page = client.get(reverse("ideas:detail", args=[idea.pk])).content.decode()
    assert "Nice <strong>idea</strong>" in page
    assert f'id="comment-{comment.pk}"' in page


def test_empty_comment_is_422_with_the_field_and_creates_nothing(idea, member):
    response = client_for(member).post(reverse("dialogue:post_idea", args=[idea.pk]), {"body": " "})
    assert response.status_code == 422
    assert 'class="field-error"' in response.content.decode()
    assert not Comment.objects.exists()


def test_reply_page_without_javascript(idea, member, author):
    top = actions.post_comment(author, idea, body="What colour?")
    client = client_for(member)
    form = client.get(reverse("dialogue:post_idea", args=[idea.pk]) + f"?parent={top.pk}")
    assert form.status_code == 200 and "What colour?" in form.content.decode()
    client.post(reverse("dialogue:post_idea", args=[idea.pk]), {"body": "Green", "parent": top.pk})
    assert Comment.objects.get(body="Green").parent_id == top.pk


def test_official_checkbox_only_for_staff(idea, member, staff):
    url = reverse("ideas:detail", args=[idea.pk])
    assert 'name="official"' not in client_for(member).get(url).content.decode()
    assert 'name="official"' in client_for(staff).get(url).content.decode()
    # A member who forges the field posts a plain comment, never an official one.
    client_for(member).post(
        reverse("dialogue:post_idea", args=[idea.pk]), {"body": "Hi", "official": "on"}
    )
    assert Comment.objects.get().official is False
    client_for(staff).post(
        reverse("dialogue:post_idea", args=[idea.pk]),
        {"body": "We will test it.", "official": "on"},
    )
    page = client_for(None).get(url).content.decode()
    assert "Latest official answer" in page and "We will test it." in page


def test_challenge_discussion(challenge, member):
    client = client_for(member)
    client.post(reverse("dialogue:post_challenge", args=[challenge.pk]), {"body": "Is glass ok?"})
    page = client_for(None).get(reverse("challenges:detail", args=[challenge.pk])).content.decode()
    assert "Is glass ok?" in page


def test_edit_and_history_pages(idea, member):
    comment = actions.post_comment(member, idea, body="Frist")
    client = client_for(member)
    response = client.post(reverse("dialogue:edit", args=[comment.pk]), {"body": "First"})
    assert response.status_code == 302
    page = client.get(reverse("ideas:detail", args=[idea.pk])).content.decode()
    assert "edited" in page
    history = client.get(reverse("dialogue:history", args=[comment.pk])).content.decode()
    assert "Frist" in history and "First" in history
    assert client_for(None).get(reverse("dialogue:edit", args=[comment.pk])).status_code == 302


def test_reaction_toggle_with_htmx(idea, member, author):
    comment = actions.post_comment(author, idea, body="React to me")
    client = client_for(member)
    url = reverse("dialogue:react", args=[comment.pk])
    response = client.post(url, {"kind": "heart"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'aria-pressed="true"' in response.content.decode()
    assert Reaction.objects.count() == 1
    client.post(url, {"kind": "heart"}, headers={"HX-Request": "true"})
    assert Reaction.objects.count() == 0
    response = client.post(url, {"kind": "nope"})
    assert response.status_code == 422
    assert Reaction.objects.count() == 0


def test_permalink_finds_the_right_page(idea, member):
    from cocreate.dialogue.queries import THREADS_PER_PAGE

    comments = [
        actions.post_comment(member, idea, body=f"c{i}") for i in range(THREADS_PER_PAGE + 1)
    ]
    response = client_for(None).get(reverse("dialogue:permalink", args=[comments[-1].pk]))
    assert response["Location"] == f"/ideas/{idea.pk}/?cpage=2#comment-{comments[-1].pk}"
    page2 = client_for(None).get(f"/ideas/{idea.pk}/?cpage=2").content.decode()
    assert f'id="comment-{comments[-1].pk}"' in page2
    assert f'id="comment-{comments[0].pk}"' not in page2
