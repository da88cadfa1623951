"""Flagging comments and ideas: hidden automatically once enough distinct members
in good standing flag them (the community's threshold), never by one member
flagging again, never by brand-new members; concurrent flags cross the threshold
exactly once. Every test runs for a comment and for an idea (the `item` fixture)."""

from __future__ import annotations

import pytest

from cocreate.communities import actions as community_actions
from cocreate.communities.models import Community, Role
from cocreate.core.errors import ActionError, Conflict, Forbidden
from cocreate.core.models import Event
from cocreate.dialogue import moderation
from cocreate.dialogue.models import Flag, ModerationAction, ModerationEntry
from tests.conftest import client_for
from tests.dialogue.helpers import API, assert_error, emails_to, flag_all, state
from tests.factories import UserFactory, add_member
from tests.threads import run_at_once


def flag_json(client, item, reason="spam", note=""):
    return client.post(
        item.flag_api, {"reason": reason, "note": note}, content_type="application/json"
    )


def test_three_flags_from_distinct_members_hide_it(item, make_members):
    people = make_members(3)
    flag_all(people[:2], item)
    assert item.state == "visible" and item.flag_count == 2
    assert not ModerationEntry.objects.exists()
    assert not emails_to(item.author)

    flag_all(people[2:], item, reason="abuse")

    assert item.state == "hidden" and item.flag_count == 3
    [entry] = ModerationEntry.objects.all()
    assert entry.action == ModerationAction.AUTO_HIDDEN
    assert entry.actor is None and entry.subject == item.author
    assert getattr(entry, f"{item.kind}_id") == item.pk
    assert Event.objects.filter(kind="content.hidden").count() == 1
    [email] = emails_to(item.author)
    assert "hidden for review" in email.subject
    assert "hidden until a moderator reviews it" in email.body
    # The flags stay open, waiting for a moderator.
    assert item.flags().filter(resolved_at__isnull=True, counts=True).count() == 3


def test_flags_through_the_api_hide_it_for_everyone_else(item, make_members, api_client):
    people = make_members(3)
    for person in people:
        response = flag_json(api_client(person), item, note="Advertising")
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["counts"] is True and body["reason"] == "spam"
        assert body[item.kind] == item.pk
    assert item.state == "hidden"
    reader = api_client(None)
    if item.kind == "idea":
        assert reader.get(f"{API}/ideas/{item.pk}").status_code == 404
    else:
        shown = reader.get(f"{API}/comments/{item.pk}").json()
        assert shown["status"] == "hidden"
        assert shown["body"] == shown["body_html"] == "" and shown["author"] is None


def test_one_member_flagging_again_is_409_and_changes_nothing(item, member, api_client):
    client = api_client(member)
    assert flag_json(client, item).status_code == 201
    before = state()

    assert_error(flag_json(client, item, reason="abuse"), 409, "conflict")
    assert_error(flag_json(client, item, reason="other"), 409, "conflict")
    page = client_for(member).post(item.flag_page, {"reason": "privacy"})
    assert page.status_code == 409
    with pytest.raises(Conflict):
        moderation.flag(member, item.get(), reason="spam")

    assert state() == before
    assert item.state == "visible" and item.flag_count == 1
    assert item.flags().count() == 1


def test_flags_from_new_members_are_kept_but_do_not_count(
    item, community, make_members, api_client
):
    newcomers = [UserFactory(), UserFactory(), UserFactory()]
    add_member(community, newcomers[0], days_ago=0)
    add_member(community, newcomers[1], days_ago=0.5)
    community_actions.join(newcomers[2], community)
    for person in newcomers:
        response = flag_json(api_client(person), item)
        assert response.status_code == 201, response.content
        assert response.json()["counts"] is False

    assert item.flags().filter(counts=False).count() == 3
    assert item.state == "visible" and item.flag_count == 0
    assert not ModerationEntry.objects.exists() and not emails_to(item.author)

    # Only members in good standing weigh: two more are not enough, a third is.
    established = make_members(3)
    flag_all(established[:2], item)
    assert item.state == "visible" and item.flag_count == 2
    flag_all(established[2:], item)
    assert item.state == "hidden" and item.flag_count == 3


def test_standing_comes_after_a_day_of_membership(clock, item, community):
    early, late = UserFactory(), UserFactory()
    add_member(community, early, days_ago=0)
    clock.advance(hours=23)
    assert moderation.flag(early, item.get(), reason="spam").counts is False
    add_member(community, late, days_ago=0)
    clock.advance(hours=1, seconds=1)
    assert moderation.in_good_standing(early, community)
    assert not moderation.in_good_standing(late, community)
    assert moderation.flag(late, item.get(), reason="spam").counts is False
    assert item.flag_count == 0


def test_a_moderators_flag_counts_even_when_new(item, community):
    newcomer = UserFactory()
    add_member(community, newcomer, Role.MODERATOR, days_ago=0)
    assert moderation.flag(newcomer, item.get(), reason="abuse").counts is True
    assert item.flag_count == 1


@pytest.mark.parametrize("threshold", [1, 5])
def test_the_threshold_is_the_communitys(item, community, make_members, threshold):
    Community.objects.filter(pk=community.pk).update(flag_threshold=threshold)
    people = make_members(threshold)
    flag_all(people[:-1], item)
    assert item.state == "visible" and item.flag_count == threshold - 1
    flag_all(people[-1:], item)
    assert item.state == "hidden" and item.flag_count == threshold
    assert ModerationEntry.objects.filter(action="auto_hidden").count() == 1


def test_flags_after_hiding_do_not_hide_twice(item, community, make_members):
    Community.objects.filter(pk=community.pk).update(flag_threshold=2)
    people = make_members(3)
    flag_all(people[:2], item)
    assert item.state == "hidden"
    # Hidden content cannot be flagged any more: it is out of sight.
    with pytest.raises(Forbidden):
        moderation.flag(people[2], item.get(), reason="spam")
    assert ModerationEntry.objects.filter(action="auto_hidden").count() == 1
    assert len(emails_to(item.author)) == 1


def test_who_may_not_flag(item, outsider, member, make_members, api_client):
    before = state()
    # Not your own content; not as an outsider; not signed in.
    assert_error(flag_json(api_client(item.author), item), 403, "forbidden")
    assert_error(flag_json(api_client(outsider), item), 403, "forbidden")
    assert flag_json(api_client(None), item).status_code == 401
    assert client_for(outsider).post(item.flag_page, {"reason": "spam"}).status_code == 403
    assert client_for(item.author).get(item.flag_page).status_code == 403
    anonymous = client_for(None).post(item.flag_page, {"reason": "spam"})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert state() == before

    flag_all(make_members(3), item)
    hidden = state()
    # Once hidden, it is out of reach: a 403 for a comment, an unknown idea.
    assert flag_json(api_client(member), item).status_code in (403, 404)
    assert client_for(member).post(item.flag_page, {"reason": "spam"}).status_code in (403, 404)
    assert state() == hidden


def test_bad_reason_is_422_and_changes_nothing(item, member, api_client):
    before = state()
    assert_error(flag_json(api_client(member), item, reason="ugly"), 422, "invalid", "reason")
    assert_error(flag_json(api_client(member), item, note="x" * 1001), 422, "invalid", "note")
    assert client_for(member).post(item.flag_page, {"reason": ""}).status_code == 422
    with pytest.raises(ActionError):
        moderation.flag(member, item.get(), reason="ugly")
    assert state() == before


def test_the_report_page(item, member):
    client = client_for(member)
    form = client.get(item.flag_page)
    assert form.status_code == 200
    html = form.content.decode()
    assert 'name="reason"' in html and 'value="off_topic"' in html
    response = client.post(item.flag_page, {"reason": "off_topic", "note": "Wrong thread"})
    assert response.status_code == 302
    [row] = item.flags()
    assert (row.user, row.reason, row.note, row.counts) == (
        member,
        "off_topic",
        "Wrong thread",
        True,
    )
    assert item.flag_count == 1


def test_report_link_is_shown_to_members_not_to_strangers(item, member, outsider):
    from django.urls import reverse

    target = item.get()
    idea_id = target.idea_id if item.kind == "comment" else target.pk
    page = reverse("ideas:detail", args=[idea_id])
    assert item.flag_page in client_for(member).get(page).content.decode()
    assert item.flag_page not in client_for(outsider).get(page).content.decode()
    assert item.flag_page not in client_for(None).get(page).content.decode()
    assert item.flag_page not in client_for(item.author).get(page).content.decode()


# --- concurrency: each thread has its own connection (SQLite and PostgreSQL) ---------------

N = 8


def test_concurrent_flags_cross_the_threshold_exactly_once(transactional_db, item, make_members):
    people = make_members(N)

    def work(i: int):
        try:
            return moderation.flag(people[i], item.get(), reason="spam")
        except ActionError as exc:
            return exc

    results = run_at_once(N, work)

    made = [r for r in results if isinstance(r, Flag)]
    # A late thread may find the item already hidden (a 403): nothing else may fail.
    others = [r for r in results if not isinstance(r, Flag | Forbidden)]
    assert not others, others
    assert len(made) >= 3
    assert item.state == "hidden"
    assert item.flag_count == item.flags().filter(counts=True).count() == len(made)
    assert ModerationEntry.objects.filter(action=ModerationAction.AUTO_HIDDEN).count() == 1
    assert Event.objects.filter(kind="content.hidden").count() == 1
    assert len(emails_to(item.author, "hidden")) == 1


def test_concurrent_flags_by_one_member_make_one_flag(transactional_db, item, member):
    def work(_: int):
        try:
            return moderation.flag(member, item.get(), reason="spam")
        except ActionError as exc:
            return exc

    results = run_at_once(4, work)

    assert sum(isinstance(r, Flag) for r in results) == 1
    assert all(isinstance(r, Flag | Conflict) for r in results), results
    assert item.flags().count() == 1 and item.flag_count == 1
    assert item.state == "visible"
