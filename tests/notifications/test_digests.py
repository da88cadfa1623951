"""Digest timing and content with explicit clocks and time zones: daily at each
member's local time, weekly on their weekday only, never the same notification
twice, nothing sent when there is nothing (or only hidden content) to tell."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import gettext

from cocreate.communities import actions as community_actions
from cocreate.communities.models import Membership
from cocreate.core import schedule
from cocreate.dialogue import actions as dialogue
from cocreate.dialogue import moderation
from cocreate.ideas import actions as idea_actions
from cocreate.notifications import actions, digests
from cocreate.notifications.models import Notification, Preference
from cocreate.notifications.tasks import send_digests
from tests.challenges.conftest import Clock
from tests.factories import add_member
from tests.notifications.helpers import deliver, emails_to

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(zone: ZoneInfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=zone)


def settle(user, when: datetime, **prefs) -> None:
    """Give `user` preferences and a digest last sent at `when` (an established
    member, past their first digest)."""
    if prefs:
        actions.set_preferences(user, **prefs)
    else:
        actions.preference_for(user).save()
    Preference.objects.filter(user=user).update(last_digest_at=when)


def recipients() -> list[str]:
    return [address for m in mail.outbox for address in m.to]


@pytest.fixture
def followers(idea, author, member, make_members):
    """The author and `member` (a supporter) both follow `idea`; `talker` comments.
    The member takes no email unless a test says otherwise."""
    idea_actions.support(member, idea)
    [talker] = make_members(1)
    actions.set_preferences(member, email_mode="off")
    actions.set_preferences(talker, email_mode="off")
    deliver()
    mail.outbox.clear()
    return talker


def say(talker, idea, body: str) -> None:
    dialogue.post_comment(talker, idea, body=body)
    deliver()


def test_daily_digests_at_each_members_local_time(idea, author, member, followers):
    settle(author, utc(2030, 1, 14, 13, 0), timezone="America/New_York", digest_time=time(7, 15))
    settle(
        member,
        utc(2030, 1, 14, 13, 0),
        email_mode="daily",
        timezone="Asia/Shanghai",
        digest_time=time(6, 30),
    )
    say(followers, idea, "Shops could share one washer")

    # 06:29 in Shanghai (22:29 UTC): nobody yet.
    assert digests.send_due(now=local(SHANGHAI, 2030, 1, 15, 6, 29)) == 0
    # 06:30 in Shanghai: the Shanghai member only (it is 17:30 the day before in New York).
    assert digests.send_due(now=local(SHANGHAI, 2030, 1, 15, 6, 30)) == 1
    assert recipients() == [member.email]
    # 07:14 in New York: still nothing for New York, and nothing again for Shanghai.
    assert digests.send_due(now=local(NEW_YORK, 2030, 1, 15, 7, 14)) == 0
    # 07:15 in New York (12:15 UTC).
    assert digests.send_due(now=utc(2030, 1, 15, 12, 15)) == 1
    assert recipients() == [member.email, author.email]
    assert digests.send_due(now=utc(2030, 1, 15, 12, 16)) == 0
    for message in mail.outbox:
        assert "Shops could share one washer" in message.body
    assert Preference.objects.get(user=member).last_digest_at == local(SHANGHAI, 2030, 1, 15, 6, 30)


def test_one_run_sends_every_digest_that_is_due(idea, author, member, followers):
    settle(author, utc(2030, 1, 14, 13, 0), timezone="America/New_York", digest_time=time(7, 15))
    settle(
        member,
        utc(2030, 1, 14, 13, 0),
        email_mode="daily",
        timezone="Asia/Shanghai",
        digest_time=time(6, 30),
    )
    say(followers, idea, "Shops could share one washer")
    assert digests.send_due(now=utc(2030, 1, 15, 13, 0)) == 2
    assert sorted(recipients()) == sorted([author.email, member.email])


def test_local_time_holds_across_daylight_saving(idea, author, followers):
    """New York moves to summer time at 02:00 on 10 March 2030: 07:15 local is
    12:15 UTC on the 9th and 11:15 UTC on the 10th."""
    settle(author, utc(2030, 3, 8, 12, 15), timezone="America/New_York", digest_time=time(7, 15))
    say(followers, idea, "Before the change")
    assert digests.send_due(now=utc(2030, 3, 9, 12, 14)) == 0
    assert digests.send_due(now=utc(2030, 3, 9, 12, 15)) == 1
    say(followers, idea, "After the change")
    assert digests.send_due(now=utc(2030, 3, 10, 11, 14)) == 0  # 07:14 summer time
    assert digests.send_due(now=utc(2030, 3, 10, 11, 15)) == 1  # 07:15 summer time


def test_a_member_without_preferences_gets_the_daily_0630_utc_digest(idea, author, followers):
    assert not Preference.objects.filter(user=author).exists()
    say(followers, idea, "First")
    assert digests.send_due(now=utc(2030, 1, 15, 6, 31)) == 1
    row = Preference.objects.get(user=author)
    assert (row.email_mode, row.digest_time, row.timezone) == ("daily", time(6, 30), "UTC")

    say(followers, idea, "Second")
    assert digests.send_due(now=utc(2030, 1, 15, 23, 59)) == 0
    assert digests.send_due(now=utc(2030, 1, 16, 6, 29)) == 0
    assert digests.send_due(now=utc(2030, 1, 16, 6, 30)) == 1
    second = emails_to(author)[-1]
    assert "Second" in second.body and "First" not in second.body


@pytest.mark.parametrize("mode", ["daily", "weekly"])
def test_the_first_digest_also_waits_for_the_members_time(idea, author, followers, mode):
    if mode == "weekly":
        actions.set_preferences(author, email_mode="weekly", digest_weekday=2)  # Wednesdays
    say(followers, idea, "First")
    # The notification arrives on Tuesday 15 January 2030 at 14:00 UTC.
    Notification.objects.filter(user=author).update(created_at=utc(2030, 1, 15, 14, 0))
    # The job runs a minute later: 14:01 UTC is not 06:30, and Tuesday is not Wednesday.
    assert digests.send_due(now=utc(2030, 1, 15, 14, 1)) == 0
    assert digests.send_due(now=utc(2030, 1, 16, 6, 30)) == 1


def test_weekly_digest_on_the_chosen_weekday_only(idea, author, followers):
    # Wednesdays at 09:00 in Berlin; the last one went out on Wednesday 2 January 2030.
    settle(
        author,
        local(BERLIN, 2030, 1, 2, 9, 0),
        email_mode="weekly",
        digest_weekday=2,
        digest_time=time(9, 0),
        timezone="Europe/Berlin",
    )
    say(followers, idea, "Week one")
    for day in range(3, 9):  # Thursday 3 to Tuesday 8 January, at 09:00 and later
        assert digests.send_due(now=local(BERLIN, 2030, 1, day, 9, 0)) == 0
        assert digests.send_due(now=local(BERLIN, 2030, 1, day, 23, 0)) == 0
    assert digests.send_due(now=local(BERLIN, 2030, 1, 9, 8, 59)) == 0
    assert digests.send_due(now=local(BERLIN, 2030, 1, 9, 9, 0)) == 1  # Wednesday 9
    [message] = emails_to(author)
    assert "Week one" in message.body and "weekly" in message.subject.lower()

    say(followers, idea, "Week two")
    assert digests.send_due(now=local(BERLIN, 2030, 1, 10, 9, 0)) == 0  # Thursday
    assert digests.send_due(now=local(BERLIN, 2030, 1, 15, 9, 0)) == 0  # Tuesday
    assert digests.send_due(now=local(BERLIN, 2030, 1, 16, 9, 1)) == 1  # Wednesday 16
    last = emails_to(author)[-1]
    assert "Week two" in last.body and "Week one" not in last.body


def test_the_weekday_is_the_members_local_day(idea, author, followers):
    """Monday 06:30 in Shanghai is Sunday 22:30 UTC."""
    settle(
        author,
        local(SHANGHAI, 2030, 1, 7, 6, 30),
        email_mode="weekly",
        digest_weekday=0,
        timezone="Asia/Shanghai",
    )
    say(followers, idea, "Hello")
    assert digests.send_due(now=utc(2030, 1, 13, 22, 29)) == 0  # Monday 06:29 in Shanghai
    assert digests.send_due(now=utc(2030, 1, 13, 22, 30)) == 1  # Monday 06:30 in Shanghai


def test_never_the_same_notification_twice_across_digests(idea, author, followers):
    settle(author, utc(2030, 1, 14, 7, 0))  # daily at 06:30 UTC
    say(followers, idea, "Alpha")
    say(followers, idea, "Beta")
    assert digests.send_due(now=utc(2030, 1, 15, 6, 30)) == 1
    say(followers, idea, "Gamma")
    assert digests.send_due(now=utc(2030, 1, 16, 6, 30)) == 1
    assert digests.send_due(now=utc(2030, 1, 17, 6, 30)) == 0
    first, second = emails_to(author)
    assert "Alpha" in first.body and "Beta" in first.body and "Gamma" not in first.body
    assert "Gamma" in second.body and "Alpha" not in second.body and "Beta" not in second.body
    assert "2" in first.subject and "1" in second.subject
    assert not Notification.objects.filter(user=author, emailed_at__isnull=True).exists()


def test_the_digest_lists_oldest_first_with_links_and_unsubscribe(idea, author, followers):
    settle(author, utc(2030, 1, 14, 7, 0))
    say(followers, idea, "Alpha")
    say(followers, idea, "Beta")
    digests.send_due(now=utc(2030, 1, 15, 6, 30))
    [message] = emails_to(author)
    assert message.body.index("Alpha") < message.body.index("Beta")
    comment_links = re.findall(r"http://testserver/comments/\d+/", message.body)
    assert len(comment_links) == 2
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert link.startswith("http://testserver/notifications/unsubscribe/") and link in message.body


def test_the_digest_is_in_the_members_language(idea, author, followers):
    author.language = "zh-hans"
    author.save(update_fields=["language"])
    settle(author, utc(2030, 1, 14, 7, 0))
    say(followers, idea, "Alpha")
    digests.send_due(now=utc(2030, 1, 15, 6, 30))
    [message] = emails_to(author)
    with translation.override("zh-hans"):
        intro = gettext("Here is what happened where you follow:")
        text = gettext("%(actor)s commented on “%(title)s”") % {
            "actor": followers.display_name,
            "title": idea.title,
        }
    assert intro in message.body and text in message.body
    assert re.search(r"[\u4e00-\u9fff]", message.subject)


def test_a_digest_that_finds_nothing_sends_nothing(idea, author, member, followers):
    settle(author, utc(2030, 1, 14, 7, 0))
    settle(member, utc(2030, 1, 14, 7, 0), email_mode="daily")
    assert digests.send_due(now=utc(2030, 1, 15, 6, 30)) == 0
    assert mail.outbox == []


def test_a_digest_with_only_hidden_content_sends_nothing(idea, author, followers, make_members):
    settle(author, utc(2030, 1, 14, 7, 0))
    spam = dialogue.post_comment(followers, idea, body="Cheap pills at spam.example")
    deliver()  # the author is told before the flags come in
    assert Notification.objects.filter(user=author, emailed_at__isnull=True).count() == 1
    for person in make_members(3):
        moderation.flag(person, spam, reason="spam")
    deliver()
    mail.outbox.clear()

    assert digests.send_due(now=utc(2030, 1, 15, 6, 30)) == 0

    assert emails_to(author) == []


def test_hidden_and_removed_items_are_left_out_of_a_digest(
    idea, author, moderator, followers, make_members
):
    settle(author, utc(2030, 1, 14, 7, 0))
    spam = dialogue.post_comment(followers, idea, body="Cheap pills at spam.example")
    rude = dialogue.post_comment(followers, idea, body="Something rude")
    say(followers, idea, "A fair point")
    assert Notification.objects.filter(user=author, emailed_at__isnull=True).count() == 3
    for person in make_members(3):
        moderation.flag(person, spam, reason="spam")
    moderation.decide(moderator, rude, decision="remove", reason="Abuse")
    deliver()
    mail.outbox.clear()

    assert digests.send_due(now=utc(2030, 1, 15, 6, 30)) == 1

    [message] = emails_to(author)
    assert "A fair point" in message.body
    assert "Cheap pills" not in message.body and "rude" not in message.body
    assert "1 update" in message.subject


def test_a_hidden_idea_is_left_out_of_its_followers_digest(
    idea, author, member, staff, followers, make_members
):
    settle(member, utc(2030, 1, 14, 7, 0), email_mode="daily")
    idea_actions.change_stage(staff, idea, stage="under_review", reason="Checking the numbers")
    deliver()
    assert Notification.objects.filter(user=member, kind="stage_changed").count() == 1
    for person in make_members(3):
        moderation.flag(person, idea, reason="spam")
    deliver()
    mail.outbox.clear()
    assert digests.send_due(now=utc(2030, 1, 15, 6, 30)) == 0
    assert emails_to(member) == []


@pytest.mark.parametrize("mode", ["each", "off"])
def test_members_on_each_or_off_never_get_a_digest(idea, author, followers, mode):
    actions.set_preferences(author, email_mode="daily")
    say(followers, idea, "Waiting")  # created while on daily: not emailed
    actions.set_preferences(author, email_mode=mode)
    mail.outbox.clear()
    for day in range(15, 22):
        assert digests.send_due(now=utc(2030, 1, day, 12, 0)) == 0
    assert emails_to(author) == []


def test_inactive_members_get_no_digest(idea, author, followers):
    settle(author, utc(2030, 1, 14, 7, 0))
    say(followers, idea, "Hello")
    author.is_active = False
    author.save(update_fields=["is_active"])
    assert digests.send_due(now=utc(2030, 1, 15, 6, 30)) == 0
    assert mail.outbox == []


def test_the_digest_job_is_registered_and_runs(idea, author, followers):
    settle(author, utc(2000, 1, 1, 0, 0))  # long overdue
    say(followers, idea, "Hello")
    # Waiting since before the member's last digest time (a fresh one waits for the next).
    Notification.objects.filter(user=author).update(created_at=timezone.now() - timedelta(days=2))
    results = schedule.run_jobs()
    assert results["notifications.send_digests"] == 1
    assert len(emails_to(author)) == 1


def test_the_scheduled_job_follows_a_frozen_clock(idea, author, followers, monkeypatch):
    """The periodic job passes no time: it reads timezone.now (frozen here after the
    notification is made, since the challenge's phases follow the real clock)."""

    settle(author, utc(2030, 1, 14, 13, 0), timezone="Asia/Shanghai", digest_time=time(6, 30))
    say(followers, idea, "Frozen in time")
    clock = Clock(local(SHANGHAI, 2030, 1, 15, 6, 29))
    monkeypatch.setattr(timezone, "now", clock)

    assert send_digests() == 0
    clock.advance(minutes=1)
    assert send_digests() == 1
    clock.advance(hours=23, minutes=59)
    assert send_digests() == 0
    assert Preference.objects.get(user=author).last_digest_at == local(SHANGHAI, 2030, 1, 15, 6, 30)
    assert Notification.objects.get(user=author).emailed_at == local(SHANGHAI, 2030, 1, 15, 6, 30)
    [message] = emails_to(author)
    assert "Frozen in time" in message.body


def test_a_member_removed_from_a_private_community_gets_no_digest_of_it(
    private_space, author, make_members
):

    [insider] = make_members(1)
    add_member(private_space.community, insider)
    actions.follow(insider, challenge=private_space.challenge)
    settle(insider, utc(2030, 1, 14, 7, 0))
    idea_actions.submit_idea(author, private_space.challenge, title="Board secrets", body="Hush.")
    deliver()
    assert Notification.objects.filter(user=insider, kind="idea_submitted").exists()
    membership = Membership.objects.get(community=private_space.community, user=insider)
    community_actions.remove_member(private_space.owner, membership, reason="Left the company")
    mail.outbox.clear()

    digests.send_due(now=utc(2030, 1, 15, 6, 30))

    assert all("Board secrets" not in m.body for m in emails_to(insider))
