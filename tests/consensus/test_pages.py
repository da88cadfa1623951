"""The conversation pages for every role: the list, starting one, the voting card
(htmx fragment, keys a/d/p), adding statements, the report with the opinion map
(and the viewer's own dot), the organisers' settings and moderation; both
languages."""

from __future__ import annotations

import pytest
from django.conf import settings

from cocreate.accounts.models import User
from cocreate.communities.models import Community, Visibility
from cocreate.consensus import actions, compute
from cocreate.consensus.models import Conversation, Statement, StatementStatus, Vote
from tests.challenges.helpers import make_challenge
from tests.conftest import client_for
from tests.consensus.conftest import SEEDS
from tests.consensus.helpers import assert_counts_exact, make_voters, plant, snapshot, two_sides

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def detail(conversation) -> str:
    return f"/conversations/{conversation.pk}/"


def make_private(community) -> None:
    Community.objects.filter(pk=community.pk).update(visibility=Visibility.PRIVATE)


# --- the list and starting one -----------------------------------------------------------------


def test_the_list_for_each_role(conversation, community, owner, member, outsider):
    url = f"/c/{community.slug}/conversations/"
    new = f"/c/{community.slug}/conversations/new/"
    for viewer in (None, outsider, member, owner):
        page = client_for(viewer).get(url)
        assert page.status_code == 200
        text = page.content.decode()
        assert conversation.title in text and f'href="{detail(conversation)}"' in text
        assert (new in text) == (viewer == owner)
        assert (f"/c/{community.slug}/conversations/import/" in text) == (viewer == owner)
    make_private(community)
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 404
    assert client_for(member).get(url).status_code == 200


def test_the_new_page_for_each_role(community, owner, member, outsider):
    url = f"/c/{community.slug}/conversations/new/"
    assert client_for(None).get(url).status_code == 302
    assert client_for(member).get(url).status_code == 403
    assert client_for(outsider).get(url).status_code == 403
    assert client_for(owner).get(url).status_code == 200
    Community.objects.filter(pk=community.pk).update(members_start_conversations=True)
    assert client_for(member).get(url).status_code == 200
    assert client_for(outsider).get(url).status_code == 403


def test_starting_one_from_the_page(community, owner, challenge):
    answer = client_for(owner).post(
        f"/c/{community.slug}/conversations/new/",
        {
            "title": "Our park",
            "description": "What should change?",
            "moderation": "pre",
            "allow_statements": "on",
            "statements": "Keep the trees\nkeep the TREES\n\nA new pond\n",
            "challenge": str(challenge.pk),
        },
    )
    conversation = Conversation.objects.get()
    assert answer.status_code == 302 and answer["Location"] == detail(conversation)
    assert conversation.moderation == "pre" and conversation.allow_statements
    assert conversation.challenge == challenge
    assert list(conversation.statements.values_list("body", flat=True)) == [
        "Keep the trees",
        "A new pond",
    ]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"title": "", "moderation": "post"}, "title"),
        ({"title": "T", "moderation": "sometimes"}, "moderation"),
        ({"title": "T", "moderation": "post", "statements": "ok\n" + "x" * 301}, "statements"),
        ({"title": "T", "moderation": "post", "challenge": "999999"}, "challenge"),
    ],
)
def test_starting_one_with_bad_fields_shows_the_form_again(community, owner, data, error):
    answer = client_for(owner).post(f"/c/{community.slug}/conversations/new/", data)
    assert answer.status_code == 422
    assert error in answer.context["form"].errors
    assert not Conversation.objects.exists()


# --- the voting page ---------------------------------------------------------------------------


def test_the_voting_page_for_each_role(conversation, owner, moderator, member, outsider):
    url = detail(conversation)
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 200
    assert (
        "/accounts/login/" in anonymous.content.decode() and anonymous.context["statement"] is None
    )
    stranger = client_for(outsider).get(url)
    assert stranger.status_code == 200 and stranger.context["statement"] is None
    assert "Join the community to vote." in stranger.content.decode()
    for person in (member, moderator, owner):
        page = client_for(person).get(url)
        assert page.status_code == 200
        text = page.content.decode()
        assert page.context["statement"] is not None
        assert page.context["statement"].body in text
        for key in "adp":
            assert f'data-key="{key}"' in text and f'aria-keyshortcuts="{key}"' in text
        assert 'hx-target="#vote-card"' in text
        assert f"0 of {len(SEEDS)} voted" in text
        assert ("/manage/" in text) == (person != member)


def test_a_private_or_hidden_conversation_is_not_found(
    conversation, community, owner, member, outsider
):
    draft = make_challenge(owner, community, publish=False)
    hidden = actions.create_conversation(owner, community, title="Draft", challenge=draft)
    assert client_for(member).get(detail(hidden)).status_code == 404
    assert client_for(member).get(f"/conversations/{hidden.pk}/report/").status_code == 404
    assert client_for(owner).get(detail(hidden)).status_code == 200
    make_private(community)
    for path in ("", "report/"):
        assert client_for(outsider).get(detail(conversation) + path).status_code == 404
        assert client_for(None).get(detail(conversation) + path).status_code == 404
    assert client_for(member).get(detail(conversation)).status_code == 200
    assert client_for(member).get("/conversations/999999/").status_code == 404


def test_an_htmx_vote_answers_with_the_next_card(conversation, member):
    client = client_for(member)
    first = client.get(detail(conversation)).context["statement"]
    answer = client.post(
        f"/conversations/{conversation.pk}/vote/",
        {"statement": first.pk, "vote": "-1"},
        headers=HTMX,
    )
    assert answer.status_code == 200
    text = answer.content.decode()
    assert text.startswith('<div id="vote-card"') and "<html" not in text
    assert f"1 of {len(SEEDS)} voted" in text
    assert answer.context["statement"].pk != first.pk
    assert 'data-key="a"' in text
    assert Vote.objects.get().value == -1
    assert_counts_exact()


def test_voting_through_every_card_ends_with_the_report_link(conversation, member):
    client = client_for(member)
    statement = client.get(detail(conversation)).context["statement"]
    for _ in SEEDS:
        answer = client.post(
            f"/conversations/{conversation.pk}/vote/",
            {"statement": statement.pk, "vote": "0"},
            headers=HTMX,
        )
        statement = answer.context["statement"]
    assert statement is None
    text = answer.content.decode()
    assert "You have voted on every statement." in text
    assert f'href="/conversations/{conversation.pk}/report/"' in text
    assert Vote.objects.filter(value=0).count() == len(SEEDS)


def test_a_plain_vote_redirects_back(conversation, member):
    statement = conversation.statements.first()
    answer = client_for(member).post(
        f"/conversations/{conversation.pk}/vote/", {"statement": statement.pk, "vote": "1"}
    )
    assert answer.status_code == 302 and answer["Location"] == detail(conversation)
    assert Vote.objects.get().value == 1


@pytest.mark.parametrize("value", ["2", "x", "", "true", "1.0"])
def test_an_invalid_vote_on_the_page_changes_nothing(conversation, member, value):
    statement = conversation.statements.first()
    before = snapshot()
    answer = client_for(member).post(
        f"/conversations/{conversation.pk}/vote/",
        {"statement": statement.pk, "vote": value},
        headers=HTMX,
    )
    assert answer.status_code == 422
    assert 'role="alert"' in answer.content.decode()
    assert snapshot() == before


def test_page_votes_refused(conversation, community, owner, member, outsider):
    other = actions.create_conversation(owner, community, title="Other", statements=["Elsewhere"])
    actions.edit_conversation(owner, conversation, moderation="pre")
    held = actions.add_statement(member, conversation, body="Waiting for review")
    url = f"/conversations/{conversation.pk}/vote/"
    statement = conversation.statements.first()
    before = snapshot()
    answer = client_for(member).post(url, {"statement": held.pk, "vote": "1"}, headers=HTMX)
    assert answer.status_code == 409 and 'role="alert"' in answer.content.decode()
    assert client_for(member).post(url, {"statement": held.pk, "vote": "1"}).status_code == 409
    elsewhere = other.statements.get()
    assert client_for(member).post(url, {"statement": elsewhere.pk, "vote": "1"}).status_code == 404
    assert client_for(member).post(url, {"vote": "1"}).status_code == 404
    assert (
        client_for(outsider).post(url, {"statement": statement.pk, "vote": "1"}).status_code == 403
    )
    anonymous = client_for(None).post(url, {"statement": statement.pk, "vote": "1"})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert client_for(member).get(url).status_code == 405
    assert snapshot() == before


def test_a_non_numeric_statement_on_the_page_is_a_404(conversation, member):
    answer = client_for(member).post(
        f"/conversations/{conversation.pk}/vote/", {"statement": "abc", "vote": "1"}
    )
    assert answer.status_code == 404
    assert not Vote.objects.exists()


def test_a_closed_conversation_says_so(conversation, owner, member):
    actions.edit_conversation(owner, conversation, status="closed")
    page = client_for(member).get(detail(conversation))
    assert page.status_code == 200 and page.context["statement"] is None
    assert "This conversation is closed." in page.content.decode()
    statement = conversation.statements.first()
    answer = client_for(member).post(
        f"/conversations/{conversation.pk}/vote/",
        {"statement": statement.pk, "vote": "1"},
        headers=HTMX,
    )
    assert answer.status_code == 403
    assert not Vote.objects.exists()


# --- adding statements on the page -------------------------------------------------------------


def test_adding_a_statement_on_the_page(conversation, owner, member):
    url = f"/conversations/{conversation.pk}/statements/"
    answer = client_for(member).post(url, {"body": "A skate park"}, follow=True)
    assert answer.redirect_chain[-1][0] == detail(conversation)
    assert "others can vote on it now" in answer.content.decode()
    assert Statement.objects.get(body="A skate park").status == StatementStatus.ACCEPTED
    actions.edit_conversation(owner, conversation, moderation="pre")
    page = client_for(member).get(detail(conversation)).content.decode()
    assert "A moderator reviews new statements" in page
    answer = client_for(member).post(url, {"body": "A bandstand"}, follow=True)
    text = answer.content.decode()
    assert "A moderator will review your statement first." in text
    assert "Waiting for review" in text  # listed under "Your statements"
    assert Statement.objects.get(body="A bandstand").status == StatementStatus.PENDING


def test_refused_statements_on_the_page(conversation, owner, member, outsider):
    url = f"/conversations/{conversation.pk}/statements/"
    before = snapshot()
    too_long = client_for(member).post(url, {"body": "x" * 301})
    assert too_long.status_code == 302  # back to the page with the reason as a message
    assert client_for(member).post(url, {"body": SEEDS[0].upper()}).status_code == 409
    assert client_for(outsider).post(url, {"body": "Let me in"}).status_code == 403
    assert client_for(None).post(url, {"body": "Who am I"}).status_code == 302
    assert snapshot() == before
    actions.edit_conversation(owner, conversation, allow_statements=False)
    page = client_for(member).get(detail(conversation)).content.decode()
    assert f'action="/conversations/{conversation.pk}/statements/"' not in page


# --- the report --------------------------------------------------------------------------------


def test_the_report_marks_your_own_dot(conversation, community, member):
    voters = [member, *make_voters(community, 15)]
    plant(conversation, voters, lambda i, j, s: two_sides(i, j, s, half=8))
    compute.recompute(conversation.pk)
    url = f"/conversations/{conversation.pk}/report/"
    page = client_for(member).get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "<svg" in text and 'class="map-me"' in text and ">You</text>" in text
    assert text.count('class="dot ') == 16  # fifteen dots and yours
    assert "Group A" in text and "Group B" in text
    for viewer in (None, make_voters(community, 1)[0]):
        text = client_for(viewer).get(url).content.decode()
        assert "<svg" in text and 'class="map-me"' not in text


def test_the_report_before_any_vote(conversation, outsider):
    page = client_for(outsider).get(f"/conversations/{conversation.pk}/report/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Not computed yet" in text and "The map appears once enough people have voted." in text


def test_the_report_says_how_many_are_in_groups_too_small_to_show(conversation, community):
    plant(conversation, make_voters(community, 14), lambda i, j, s: 1 if i < 12 else -1)
    compute.recompute(conversation.pk)
    text = client_for(None).get(f"/conversations/{conversation.pk}/report/").content.decode()
    assert "2 people are in groups too small to show separately" in text
    assert 'class="dot g-1"' in text


# --- managing ----------------------------------------------------------------------------------


def test_the_manage_page_for_each_role(conversation, owner, staff, moderator, member, outsider):
    url = f"/conversations/{conversation.pk}/manage/"
    assert client_for(None).get(url).status_code == 302
    assert client_for(member).get(url).status_code == 403
    assert client_for(outsider).get(url).status_code == 403
    for person in (owner, staff):
        page = client_for(person).get(url)
        assert page.status_code == 200 and page.context["form"] is not None
        assert f"/conversations/{conversation.pk}/export/" in page.content.decode()
    page = client_for(moderator).get(url)
    assert page.status_code == 200 and page.context["form"] is None  # moderation only
    assert f"/conversations/{conversation.pk}/export/" not in page.content.decode()
    assert client_for(moderator).post(url, {"title": "Mine now"}).status_code == 403


def test_saving_settings_on_the_page(conversation, owner):
    url = f"/conversations/{conversation.pk}/manage/"
    answer = client_for(owner).post(
        url, {"title": "Renamed", "description": "", "moderation": "pre", "status": "closed"}
    )
    assert answer.status_code == 302
    conversation.refresh_from_db()
    assert conversation.title == "Renamed" and conversation.status == "closed"
    assert conversation.moderation == "pre" and conversation.allow_statements is False
    before = snapshot()
    bad = client_for(owner).post(url, {"title": "", "moderation": "pre", "status": "open"})
    assert bad.status_code == 422 and "title" in bad.context["form"].errors
    bad = client_for(owner).post(url, {"title": "T", "moderation": "pre", "status": "paused"})
    assert bad.status_code == 422
    assert snapshot() == before


def test_moderating_on_the_page(conversation, owner, moderator, member):
    actions.edit_conversation(owner, conversation, moderation="pre")
    held = actions.add_statement(member, conversation, body="Waiting for review")
    page = client_for(moderator).get(f"/conversations/{conversation.pk}/manage/")
    assert list(page.context["pending"]) == [held]
    assert client_for(moderator).get(detail(conversation)).context["pending_count"] == 1
    url = f"/statements/{held.pk}/moderate/"
    before = snapshot()
    assert client_for(member).post(url, {"do": "accept"}).status_code == 403
    assert client_for(moderator).post(url, {"do": "delete"}).status_code == 404
    assert client_for(moderator).get(url).status_code == 405
    assert client_for(None).post(url, {"do": "accept"}).status_code == 302
    assert snapshot() == before
    steps = [
        ("accept", StatementStatus.ACCEPTED, False),
        ("meta", StatementStatus.ACCEPTED, True),
        ("not_meta", StatementStatus.ACCEPTED, False),
        ("reject", StatementStatus.REJECTED, False),
    ]
    for do, status, meta in steps:
        answer = client_for(moderator).post(url, {"do": do})
        assert answer.status_code == 302
        assert answer["Location"] == f"/conversations/{conversation.pk}/manage/"
        held.refresh_from_db()
        assert (held.status, held.is_meta) == (status, meta)
    assert_counts_exact()


# --- both languages ----------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_page_renders_in_both_languages(conversation, community, owner, member, language):
    plant(conversation, [member, *make_voters(community, 9)], two_sides)
    compute.recompute(conversation.pk)
    User.objects.filter(pk__in=[owner.pk, member.pk]).update(language=language)
    anonymous = client_for(None)
    anonymous.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    pages = [
        (anonymous, f"/c/{community.slug}/conversations/"),
        (anonymous, detail(conversation)),
        (anonymous, f"/conversations/{conversation.pk}/report/"),
        (client_for(member), detail(conversation)),
        (client_for(member), f"/conversations/{conversation.pk}/report/"),
        (client_for(owner), f"/conversations/{conversation.pk}/manage/"),
        (client_for(owner), f"/c/{community.slug}/conversations/new/"),
        (client_for(owner), f"/c/{community.slug}/conversations/import/"),
    ]
    html_lang = {"en": 'lang="en"', "zh-hans": 'lang="zh-Hans"'}[language]
    for client, url in pages:
        page = client.get(url)
        assert page.status_code == 200, url
        assert page["Content-Language"] == language
        assert html_lang in page.content.decode()
    report = client_for(member).get(f"/conversations/{conversation.pk}/report/").content.decode()
    card = client_for(member).get(detail(conversation)).content.decode()
    if language == "zh-hans":
        assert "观点地图" in report and "快捷键" in card
    else:
        assert "Opinion map" in report and "Keys: A agree" in card


def test_the_accept_language_header_picks_chinese_for_visitors(conversation):
    page = client_for(None).get(detail(conversation), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    assert page["Content-Language"] == "zh-hans"
    assert "登录后投票。" in page.content.decode()
