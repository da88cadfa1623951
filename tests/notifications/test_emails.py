"""Emails for notifications: 'each' sends one email per notification (with the
one-click unsubscribe headers, in the recipient's language), 'off' sends none, and
'daily'/'weekly' wait for the digest."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from cocreate.dialogue import actions as dialogue
from cocreate.ideas import actions as idea_actions
from cocreate.notifications import actions, digests
from cocreate.notifications.models import Notification
from tests.notifications.helpers import deliver, emails_to, kinds

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def quiet(idea, author):
    """The author follows their idea (automatic, delivered) and the outbox is empty."""
    deliver()
    mail.outbox.clear()
    return idea


def test_each_sends_one_email_per_notification_with_unsubscribe_headers(
    quiet, author, member, staff
):
    actions.set_preferences(author, email_mode="each")
    dialogue.post_comment(member, quiet, body="Lovely idea")
    idea_actions.change_stage(staff, quiet, stage="under_review", reason="The board meets Friday")
    deliver()

    messages = emails_to(author)
    assert len(messages) == 2 == len(mail.outbox)
    first, second = messages
    assert first.to == [author.email]
    assert f"{member.display_name} commented on “Refillable bottles”" in first.subject
    assert "Lovely idea" in first.body
    assert "Under review" in second.subject and "The board meets Friday" in second.body
    for message in messages:
        link = message.extra_headers["List-Unsubscribe"]
        assert re.fullmatch(r"<http://testserver/notifications/unsubscribe/[^/>]+/>", link)
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert link.strip("<>") in message.body  # the same link, readable in the text
        assert "http://testserver/" in message.body
    assert all(n.emailed_at is not None for n in Notification.objects.filter(user=author))


def test_each_email_links_to_the_thing_itself(quiet, author, member):
    actions.set_preferences(author, email_mode="each")
    comment = dialogue.post_comment(member, quiet, body="Lovely idea")
    [message] = emails_to(author)
    assert f"http://testserver/comments/{comment.pk}/" in message.body


def test_each_email_is_sent_once_even_when_the_digest_job_runs(quiet, author, member):
    actions.set_preferences(author, email_mode="each")
    dialogue.post_comment(member, quiet, body="Lovely idea")
    deliver()
    deliver()
    assert digests.send_due() == 0
    assert len(emails_to(author)) == 1


def test_each_email_is_in_the_recipients_language(quiet, author, member):
    author.language = "zh-hans"
    author.save(update_fields=["language"])
    actions.set_preferences(author, email_mode="each")

    dialogue.post_comment(member, quiet, body="好主意")

    [message] = emails_to(author)
    with translation.override("zh-hans"):
        text = gettext("%(actor)s commented on “%(title)s”") % {
            "actor": member.display_name,
            "title": quiet.title,
        }
        hello = gettext("Hello %(name)s,") % {"name": author.display_name}
        stop = gettext("Stop all notification emails with one click:")
    assert message.subject == text
    assert hello in message.body and stop in message.body
    assert CJK.search(hello) and CJK.search(text)  # really Chinese, not the English fallback
    assert "commented on" not in message.body and "Hello" not in message.body
    # The app itself stays in English for the next request.
    assert translation.get_language() in ("en", "en-us")


def test_emails_to_two_people_are_each_in_their_own_language(quiet, author, member, staff):
    author.language = "zh-hans"
    author.save(update_fields=["language"])
    idea_actions.support(member, quiet)
    deliver()
    actions.set_preferences(author, email_mode="each")
    actions.set_preferences(member, email_mode="each")
    mail.outbox.clear()

    idea_actions.change_stage(staff, quiet, stage="under_review", reason="Soon")

    [chinese] = emails_to(author)
    [english] = emails_to(member)
    with translation.override("zh-hans"):
        stage = gettext("Under review")
    assert stage in chinese.subject and CJK.search(chinese.subject)
    assert "Under review" in english.subject and not CJK.search(english.body)


def test_off_sends_no_email_but_keeps_the_notification(quiet, author, member):
    actions.set_preferences(author, email_mode="off")
    dialogue.post_comment(member, quiet, body="Lovely idea")
    assert kinds(author) == ["comment"]
    assert emails_to(author) == []
    assert digests.send_due() == 0
    assert mail.outbox == []


@pytest.mark.parametrize("mode", ["daily", "weekly"])
def test_digest_modes_send_nothing_at_once(quiet, author, member, mode):
    actions.set_preferences(author, email_mode=mode)
    dialogue.post_comment(member, quiet, body="Lovely idea")
    assert kinds(author) == ["comment"]
    assert mail.outbox == []
    assert Notification.objects.get(user=author).emailed_at is None


def test_without_a_preference_row_nothing_is_sent_at_once(quiet, author, member):
    """The default is a daily digest."""
    dialogue.post_comment(member, quiet, body="Lovely idea")
    assert kinds(author) == ["comment"]
    assert mail.outbox == []


def test_the_actor_gets_no_email_of_their_own_doing(quiet, author, member):
    actions.set_preferences(author, email_mode="each")
    dialogue.post_comment(author, quiet, body="My own note")
    assert emails_to(author) == []


def test_a_muted_kind_sends_no_email(quiet, author, member):
    actions.set_preferences(author, email_mode="each", muted_kinds=["comment"])
    dialogue.post_comment(member, quiet, body="Lovely idea")
    assert emails_to(author) == []


def test_an_each_email_does_not_hold_up_everyone_elses_notifications(
    quiet, author, member, make_members
):
    """The consumer handles events in order and stops at one that fails: an 'each'
    email must go out, and the events after it must still reach people."""
    [watcher] = make_members(1)
    actions.follow(watcher, idea=quiet)
    actions.set_preferences(author, email_mode="each")
    dialogue.post_comment(member, quiet, body="Emailed to the author")
    deliver()
    dialogue.post_comment(author, quiet, body="Thanks!")
    assert kinds(watcher) == ["comment", "comment"]
    assert len(emails_to(author)) == 1


def test_an_unconfirmed_address_gets_no_notification_email(quiet, author, member):
    actions.set_preferences(author, email_mode="each")
    author.email_confirmed_at = None
    author.save(update_fields=["email_confirmed_at"])
    dialogue.post_comment(member, quiet, body="Lovely idea")
    assert emails_to(author) == []
    actions.set_preferences(author, email_mode="daily")
    assert digests.send_due() == 0
    assert mail.outbox == []
