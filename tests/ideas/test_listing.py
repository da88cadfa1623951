"""Finding ideas: sort hot / top / new, filter by stage, tag and language, search in
English and Chinese, and paginate — in the API and on the challenge page."""

from __future__ import annotations

import pytest

from cocreate.ideas import actions
from cocreate.ideas.models import Idea
from tests.challenges.helpers import API, make_challenge, open_submission
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def ids(response):
    assert response.status_code == 200, response.content
    return [i["id"] for i in response.json()["items"]]


def page_ids(html, candidates):
    """The ideas on a rendered page, in the order they appear."""
    found = [(html.find(f'href="/ideas/{c.pk}/"'), c.pk) for c in candidates]
    return [pk for pos, pk in sorted(found) if pos >= 0]


@pytest.fixture
def board(clock, community, owner):
    return make_challenge(owner, community, phases=open_submission())


@pytest.fixture
def three(board, clock, author, make_members):
    """old: 5 supports, 10 days ago; mid: 3 supports, 5 days ago; new: 0, today."""
    fans = make_members(5)
    old = actions.submit_idea(author, board, title="Old and loved", body="x", tags=["solar"])
    for fan in fans:
        actions.support(fan, Idea.objects.get(pk=old.pk))
    clock.advance(days=5)
    mid = actions.submit_idea(
        author, board, title="Middle", body="x", tags=["wind"], language="zh-hans"
    )
    for fan in fans[:3]:
        actions.support(fan, Idea.objects.get(pk=mid.pk))
    clock.advance(days=5)
    new = actions.submit_idea(author, board, title="Brand new", body="x", tags=["solar", "wind"])
    return old, mid, new


def test_top_sorts_by_supporters(board, three, api_client):
    old, mid, new = three

    assert ids(api_client(None).get(f"{API}/challenges/{board.pk}/ideas?sort=top")) == [
        old.pk,
        mid.pk,
        new.pk,
    ]


def test_new_sorts_by_submission_time(board, three, api_client):
    old, mid, new = three

    assert ids(api_client(None).get(f"{API}/challenges/{board.pk}/ideas?sort=new")) == [
        new.pk,
        mid.pk,
        old.pk,
    ]


def test_hot_weighs_support_against_age(board, clock, author, make_members, api_client):
    # docs: ten times the support outweighs 12.5 hours of age.
    fans = make_members(10)
    loved = actions.submit_idea(author, board, title="Loved", body="x")
    for fan in fans:
        actions.support(fan, Idea.objects.get(pk=loved.pk))
    clock.advance(hours=12)
    younger = actions.submit_idea(author, board, title="Younger", body="x")
    actions.support(fans[0], Idea.objects.get(pk=younger.pk))
    clock.advance(hours=1)
    youngest = actions.submit_idea(author, board, title="Youngest", body="x")
    actions.support(fans[0], Idea.objects.get(pk=youngest.pk))

    hot = ids(api_client(None).get(f"{API}/challenges/{board.pk}/ideas?sort=hot"))
    default = ids(api_client(None).get(f"{API}/challenges/{board.pk}/ideas"))
    html = client_for(None).get(f"/challenges/{board.pk}/").content.decode()

    assert hot == [youngest.pk, loved.pk, younger.pk]
    assert default == hot
    assert page_ids(html, [loved, younger, youngest]) == hot


def test_hot_score_rises_with_support_and_falls_with_withdrawal(board, author, make_members):
    idea = actions.submit_idea(author, board, title="T", body="x")
    start = Idea.objects.get(pk=idea.pk).hot_score
    fans = make_members(10)
    for fan in fans:
        actions.support(fan, Idea.objects.get(pk=idea.pk))
    supported = Idea.objects.get(pk=idea.pk).hot_score
    for fan in fans[:9]:
        actions.withdraw_support(fan, Idea.objects.get(pk=idea.pk))

    assert supported == pytest.approx(start + 1)  # log10(10)
    assert Idea.objects.get(pk=idea.pk).hot_score == pytest.approx(start)


def test_a_bad_sort_is_422_in_the_api_and_ignored_on_the_page(board, three, api_client):
    response = api_client(None).get(f"{API}/challenges/{board.pk}/ideas?sort=random")

    assert response.status_code == 422
    assert client_for(None).get(f"/challenges/{board.pk}/?sort=random").status_code == 200


def test_filter_by_stage(board, three, staff, api_client):
    old, mid, new = three
    actions.change_stage(staff, Idea.objects.get(pk=mid.pk), stage="under_review", reason="Yes")

    listed = ids(api_client(None).get(f"{API}/challenges/{board.pk}/ideas?stage=under_review"))
    others = ids(api_client(None).get(f"{API}/challenges/{board.pk}/ideas?stage=gathering_support"))
    html = client_for(None).get(f"/challenges/{board.pk}/?stage=under_review").content.decode()

    assert listed == [mid.pk]
    assert set(others) == {old.pk, new.pk}
    assert page_ids(html, three) == [mid.pk]


def test_filter_by_tag(board, three, api_client):
    old, mid, new = three

    solar = ids(api_client(None).get(f"{API}/challenges/{board.pk}/ideas?tag=solar&sort=new"))
    wind = ids(api_client(None).get(f"{API}/challenges/{board.pk}/ideas?tag=wind&sort=new"))
    sol = ids(api_client(None).get(f"{API}/challenges/{board.pk}/ideas?tag=sol"))
    html = client_for(None).get(f"/challenges/{board.pk}/?tag=wind&sort=new").content.decode()

    assert solar == [new.pk, old.pk]
    assert wind == [new.pk, mid.pk]
    assert sol == []  # whole tags only
    assert page_ids(html, three) == [new.pk, mid.pk]


def test_filter_by_a_chinese_tag(board, author, api_client):
    bamboo = actions.submit_idea(author, board, title="竹子", body="x", tags="竹子，包装")
    actions.submit_idea(author, board, title="Other", body="x", tags=["bamboo"])

    listed = ids(api_client(None).get(f"{API}/challenges/{board.pk}/ideas", {"tag": "竹子"}))
    html = client_for(None).get(f"/challenges/{board.pk}/", {"tag": "包装"}).content.decode()

    assert listed == [bamboo.pk]
    assert page_ids(html, [bamboo]) == [bamboo.pk]


def test_filter_by_language(board, three, api_client):
    old, mid, new = three

    chinese = ids(api_client(None).get(f"{API}/challenges/{board.pk}/ideas?language=zh-hans"))
    english = ids(api_client(None).get(f"{API}/challenges/{board.pk}/ideas?language=en&sort=new"))

    assert chinese == [mid.pk]
    assert english == [new.pk, old.pk]


def test_challenge_page_filters_by_language(board, three):
    old, mid, new = three

    chinese = client_for(None).get(f"/challenges/{board.pk}/?language=zh-hans").content.decode()
    english = client_for(None).get(f"/challenges/{board.pk}/?language=en&sort=new").content.decode()

    assert page_ids(chinese, three) == [mid.pk]
    assert page_ids(english, three) == [new.pk, old.pk]


@pytest.fixture
def texts(board, author):
    make = lambda title, body, lang="en": actions.submit_idea(  # noqa: E731
        author, board, title=title, body=body, language=lang
    )
    return {
        "bamboo_title": make("竹子包装盒", "用可降解材料做包装。", "zh-hans"),
        "bamboo_body": make("环保杯子", "杯子用竹子做成，可以回收。", "zh-hans"),
        "solar_title": make("Solar Charging Bench", "Sit and charge your phone."),
        "solar_body": make("Street furniture", "Benches with SOLAR panels on top."),
        "other": make("Quiet carriages", "No phones allowed."),
    }


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("竹子", {"bamboo_title", "bamboo_body"}),
        ("包装", {"bamboo_title"}),
        ("回收", {"bamboo_body"}),
        ("可降解材料", {"bamboo_title"}),  # 3+ characters: the trigram index on SQLite
        ("竹子做成", {"bamboo_body"}),
        ("sit", {"solar_title"}),
        ("PANELS", {"solar_body"}),
        ("solar", {"solar_title", "solar_body"}),
        ("Solar", {"solar_title", "solar_body"}),
        ("phone", {"solar_title", "other"}),
        ("solar bench", {"solar_title", "solar_body"}),
        ("solar quiet", set()),
        ("咖啡", set()),
    ],
)
def test_search_finds_english_and_chinese_words_in_title_and_body(
    board, texts, api_client, q, expected
):
    found = set(ids(api_client(None).get(f"{API}/challenges/{board.pk}/ideas", {"q": q})))
    html = client_for(None).get(f"/challenges/{board.pk}/", {"q": q}).content.decode()

    assert found == {texts[name].pk for name in expected}
    assert set(page_ids(html, texts.values())) == found


def test_search_follows_edits(board, author, api_client):
    idea = actions.submit_idea(author, board, title="Lanterns", body="Paper lanterns 灯笼.")
    actions.edit_idea(author, idea, body="Glass lamps 玻璃灯.")

    def found(q):
        return ids(api_client(None).get(f"{API}/challenges/{board.pk}/ideas", {"q": q}))

    assert found("lanterns") == [idea.pk]  # still in the title
    assert found("paper") == []
    assert found("glass lamps") == [idea.pk]
    assert found("玻璃灯") == [idea.pk]
    assert found("灯笼") == []


def test_api_pages_through_the_ideas(board, author, clock, api_client):
    made = []
    for i in range(25):
        made.append(actions.submit_idea(author, board, title=f"Idea {i}", body="x").pk)
        clock.advance(minutes=1)
    client = api_client(None)

    first = client.get(f"{API}/challenges/{board.pk}/ideas?sort=new&page_size=10").json()
    third = client.get(f"{API}/challenges/{board.pk}/ideas?sort=new&page_size=10&page=3").json()
    default = client.get(f"{API}/challenges/{board.pk}/ideas?sort=new").json()

    assert first["count"] == 25
    assert [i["id"] for i in first["items"]] == made[::-1][:10]
    assert [i["id"] for i in third["items"]] == made[::-1][20:]
    assert len(default["items"]) == 20


def test_challenge_page_pages_through_the_ideas(board, author, clock):
    made = []
    for i in range(23):
        made.append(actions.submit_idea(author, board, title=f"Idea {i}", body="x"))
        clock.advance(minutes=1)

    first = client_for(None).get(f"/challenges/{board.pk}/?sort=new").content.decode()
    second = client_for(None).get(f"/challenges/{board.pk}/?sort=new&page=2").content.decode()

    assert page_ids(first, made) == [i.pk for i in made[::-1][:20]]
    assert page_ids(second, made) == [i.pk for i in made[::-1][20:]]


def test_htmx_filter_returns_only_the_list(board, three):
    response = client_for(None).get(
        f"/challenges/{board.pk}/?partial=ideas&sort=top", HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="idea-list">')
    assert page_ids(html, three) == [i.pk for i in three]


def test_ideas_of_other_challenges_are_not_listed(community, owner, board, three, api_client):
    other = make_challenge(owner, community, phases=open_submission(), title="Other")

    assert ids(api_client(None).get(f"{API}/challenges/{other.pk}/ideas")) == []
