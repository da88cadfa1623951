"""Posting, threading and the depth rule, official answers, deletion placeholders."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cocreate.core.errors import Forbidden, Invalid
from cocreate.dialogue import actions, queries
from cocreate.dialogue.models import Comment, CommentStatus, CommentVersion
from cocreate.ideas.models import Idea
from tests.conftest import client_for


def post(actor, target, body="Hello", **kwargs):
    return actions.post_comment(actor, target, body=body, **kwargs)


def test_thread_order_and_depth_flattening(idea, author, member):
    top = post(member, idea, "Question?")
    other_top = post(author, idea, "Another thread")
    r1 = post(author, idea, "r1", parent=top)
    r2 = post(member, idea, "r2", parent=r1)
    r3 = post(author, idea, "r3", parent=r2)
    r4 = post(member, idea, "r4", parent=r3)  # depth 4: shown at 3, says whom it answers
    late_reply = post(member, idea, "late", parent=top)
    _page, ordered = queries.thread_page(idea, 1, member)
    assert [c.body for c in ordered] == [
        "Question?",
        "r1",
        "r2",
        "r3",
        "r4",
        "late",
        "Another thread",
    ]
    assert [c.shown_depth for c in ordered] == [0, 1, 2, 3, 3, 1, 0]
    assert {c.pk: c.root_id for c in ordered}[r4.pk] == top.pk
    by_id = {c.pk: c for c in ordered}
    assert by_id[r4.pk].replying_to.pk == r3.pk
    assert by_id[r3.pk].replying_to is None
    assert late_reply.depth == 1 and other_top.root_id is None
    idea.refresh_from_db()
    assert idea.comment_count == 7
    top.refresh_from_db()
    assert top.reply_count == 2


def test_body_is_sanitised_markdown(idea, member):
    comment = post(member, idea, "**bold** <script>alert(1)</script> [x](javascript:alert(1))")
    assert "<strong>bold</strong>" in comment.body_html
    assert "<script>" not in comment.body_html
    assert 'href="javascript' not in comment.body_html


@pytest.mark.parametrize("body", ["", "   ", "x" * 10_001])
def test_bad_body_is_422_and_changes_nothing(idea, member, body):
    with pytest.raises(Invalid) as raised:
        post(member, idea, body)
    assert "body" in raised.value.fields
    assert not Comment.objects.exists()


def test_reply_must_be_in_the_same_discussion(idea, challenge, author, member):
    other = actions.post_comment(member, challenge, body="On the challenge")
    with pytest.raises(Invalid) as raised:
        post(author, idea, "reply", parent=other)
    assert "parent" in raised.value.fields
    assert Comment.objects.count() == 1


def test_outsiders_cannot_comment(idea, outsider):
    with pytest.raises(Forbidden):
        post(outsider, idea)
    assert not Comment.objects.exists()


def test_official_answers_only_from_staff_and_employees(idea, member, staff, make_members):
    with pytest.raises(Forbidden):
        post(member, idea, "I speak for the company", official=True)
    [employee] = make_members(1, role="employee")
    post(employee, idea, "First official", official=True)
    latest = post(staff, idea, "Second official", official=True)
    assert queries.pinned_official(idea).pk == latest.pk


def test_closed_discussion_on_expired_idea(idea, member):
    Idea.objects.filter(pk=idea.pk).update(stage="expired")
    idea.refresh_from_db()
    with pytest.raises(Forbidden):
        post(member, idea)


def test_edit_keeps_history_and_marks_edited(idea, member, author):
    comment = post(member, idea, "First text")
    with pytest.raises(Forbidden):
        actions.edit_comment(author, comment, body="Hijack")
    actions.edit_comment(member, comment, body="Second text")
    comment.refresh_from_db()
    assert comment.edited_at is not None and comment.version_count == 2
    assert list(comment.versions.values_list("number", "body")) == [
        (2, "Second text"),
        (1, "First text"),
    ]


def test_delete_without_replies_removes_it(idea, member, author):
    top = post(author, idea, "Top")
    reply = post(member, idea, "Reply", parent=top)
    assert actions.delete_comment(member, reply) is False
    assert not Comment.objects.filter(pk=reply.pk).exists()
    top.refresh_from_db()
    idea.refresh_from_db()
    assert top.reply_count == 0 and idea.comment_count == 1


def test_delete_with_replies_leaves_an_erased_placeholder(idea, member, author):
    top = post(author, idea, "Secret plan")
    actions.edit_comment(author, top, body="Secret plan v2")
    post(member, idea, "Reply", parent=top)
    assert actions.delete_comment(author, top) is True
    top.refresh_from_db()
    assert top.status == CommentStatus.DELETED and top.body == "" and top.body_html == ""
    assert not CommentVersion.objects.filter(comment=top).exists()
    idea.refresh_from_db()
    assert idea.comment_count == 1
    page = client_for(None).get(reverse("ideas:detail", args=[idea.pk])).content.decode()
    assert "Secret plan" not in page and "This comment was deleted." in page
    with pytest.raises(Invalid):
        post(member, idea, "Reply to a ghost", parent=top)


def test_accepted_answer(idea, member, author, staff):
    question = post(member, idea, "Will it fit a small flat?")
    answer = post(author, idea, "Yes, 40 cm wide.", parent=question)
    own = post(member, idea, "Thanks", parent=question)
    with pytest.raises(Forbidden):
        actions.accept_answer(staff, answer)  # not the asker
    with pytest.raises(Forbidden):
        actions.accept_answer(member, own)  # not their own reply
    with pytest.raises(Forbidden):
        actions.accept_answer(member, question)  # a question is not an answer
    actions.accept_answer(member, answer)
    question.refresh_from_db()
    assert question.accepted_answer_id == answer.pk
    actions.accept_answer(member, answer, accept=False)
    question.refresh_from_db()
    assert question.accepted_answer_id is None


def test_reactions_are_one_per_kind_and_counted(idea, member, author, staff):
    comment = post(author, idea)
    actions.react(member, comment, "heart")
    actions.react(staff, comment, "heart")
    actions.react(member, comment, "idea")
    with pytest.raises(Exception) as raised:
        actions.react(member, comment, "heart")
    assert raised.value.status == 409
    with pytest.raises(Invalid):
        actions.react(member, comment, "poop")
    queries.annotate_reactions([comment], member)
    assert comment.reaction_counts == {"heart": 2, "idea": 1}
    assert comment.my_reactions == {"heart", "idea"}
    assert actions.toggle_reaction(member, comment, "heart") is False
    queries.annotate_reactions([comment], member)
    assert comment.reaction_counts == {"heart": 1, "idea": 1}


def test_most_discussed_sort(challenge, author, member):
    from cocreate.ideas import actions as idea_actions
    from cocreate.ideas.queries import idea_list

    quiet = idea_actions.submit_idea(author, challenge, title="Quiet", body="Nobody talks.")
    busy = idea_actions.submit_idea(author, challenge, title="Busy", body="Everyone talks.")
    for i in range(3):
        post(member, busy, f"comment {i}")
    post(member, quiet, "one")
    assert [i.title for i in idea_list(challenge, sort="discussed")] == ["Busy", "Quiet"]
    response = client_for(None).get(f"/api/v1/challenges/{challenge.pk}/ideas?sort=discussed")
    assert [i["comment_count"] for i in response.json()["items"]] == [3, 1]
