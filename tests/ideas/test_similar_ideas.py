"""Similar ideas while writing: a paraphrase of an existing idea, in Chinese or in
English, is among the 5 suggestions, found through the API, the page panel and the
pure index."""

import pytest

from cocreate.challenges.actions import idea_box
from cocreate.ideas import actions
from cocreate.ideas.similarity import Index
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

# Our own pairs: an existing idea, and how another member might say the same thing.
PAIRS = [
    (
        "雨天通勤的挡泥板",
        "下雨天骑车上班，泥水总是溅到裤子上，希望挡泥板做得更长一些。",
        "下雨骑车通勤时裤子被泥水弄脏，能不能把挡泥板加长？",
    ),
    (
        "可拆卸电池",
        "电池最好可以拆下来，带到办公室充电，家里没有地方停车充电。",
        "希望电池能拆卸，方便拿到公司去充电",
    ),
    (
        "夜骑侧面反光",
        "晚上骑车时侧面几乎看不见，建议在车架和轮圈上增加反光条。",
        "夜里骑行侧面可见度太低，车轮和车架能加反光贴吗",
    ),
    (
        "Pocket folding lock",
        "A folding lock that fits in a jacket pocket and weighs under 500 g.",
        "Could we get a lightweight lock that folds small enough for a pocket?",
    ),
    (
        "Child seat on the rack",
        "A child seat that clips onto the rear rack without tools.",
        "I want to attach a kid's seat to the back rack quickly, no tools needed.",
    ),
    (
        "Hill gears",
        "A wider gear range so older riders can climb steep hills without pushing.",
        "Lower gears please: climbing steep hills is too hard for us older riders.",
    ),
]
DISTRACTORS = [
    ("Bell volume", "A louder bell for busy streets."),
    ("Bottle cage", "Two bottle cage mounts on the frame."),
    ("Colour options", "More frame colours, especially a matte green."),
    ("Kickstand", "A sturdier double kickstand for heavy loads."),
    ("App", "An app that shows the battery level and the service history."),
    ("车筐", "前车筐再大一点，可以放下一个书包。"),
    ("车座", "车座太硬了，希望有更软的座垫可以选。"),
    ("车铃", "车铃声音太小，在路口别人听不见。"),
    ("颜色", "希望有更多车架颜色，比如哑光绿色。"),
    ("保修", "希望整车保修延长到三年。"),
    ("Tyres", "Puncture-resistant tyres as standard."),
    ("Lights", "Front light that turns on automatically at dusk."),
    ("Mudguard colour", "Mudguards in the same colour as the frame."),
    ("Phone mount", "A phone mount on the stem for navigation."),
]


def _documents():
    docs = [(i, f"{t}\n{b}") for i, (t, b, _q) in enumerate(PAIRS, start=1)]
    docs += [(100 + i, f"{t}\n{b}") for i, (t, b) in enumerate(DISTRACTORS)]
    return docs


@pytest.mark.parametrize(("number", "pair"), list(enumerate(PAIRS, start=1)))
def test_the_pure_index_ranks_the_paraphrase_in_the_top_five(number, pair):
    found = [m.id for m in Index(_documents()).query(pair[2], k=5)]
    assert number in found


@pytest.fixture
def box_with_ideas(community, member):
    box = idea_box(community)
    ideas = {}
    for title, body, paraphrase in PAIRS:
        ideas[paraphrase] = actions.submit_idea(member, box, title=title, body=body)
    for title, body in DISTRACTORS:
        actions.submit_idea(member, box, title=title, body=body)
    return box, ideas


def test_the_api_suggests_the_paraphrased_idea(box_with_ideas):
    box, ideas = box_with_ideas
    for paraphrase, idea in ideas.items():
        response = client_for(None).get(
            "/api/v1/ideas/similar", {"challenge": box.pk, "text": paraphrase}
        )
        assert response.status_code == 200
        body = response.json()
        assert len(body) <= 5
        assert idea.pk in [row["id"] for row in body], paraphrase
        assert body == sorted(body, key=lambda row: -row["score"])


def test_the_panel_updates_as_the_member_types(box_with_ideas, member):
    box, ideas = box_with_ideas
    paraphrase, idea = next(iter(ideas.items()))
    response = client_for(member).get(
        f"/challenges/{box.pk}/similar/",
        {"title": paraphrase[:12], "body": paraphrase},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert f"/ideas/{idea.pk}/" in response.content.decode()


def test_a_new_idea_is_found_right_after_it_is_submitted(box_with_ideas, member):
    box, _ideas = box_with_ideas
    client_for(None).get("/api/v1/ideas/similar", {"challenge": box.pk, "text": "warm-up"})
    fresh = actions.submit_idea(member, box, title="Heated grips", body="Grips that warm up.")
    response = client_for(None).get(
        "/api/v1/ideas/similar", {"challenge": box.pk, "text": "handlebar grips that heat up"}
    )
    assert fresh.pk in [row["id"] for row in response.json()]


def test_similar_ideas_of_a_draft_challenge_are_hidden(community, owner):
    from cocreate.challenges.actions import create_challenge

    draft = create_challenge(owner, community, title="Secret")
    response = client_for(None).get("/api/v1/ideas/similar", {"challenge": draft.pk, "text": "x"})
    assert response.status_code == 404
