import pytest

from tests.challenges.conftest import (  # noqa: F401
    author,
    challenge,
    clock,
    idea,
    make_members,
)
from tests.dialogue.helpers import Item


@pytest.fixture(params=["comment", "idea"])
def item(request, idea, author, make_members) -> Item:  # noqa: F811
    """What the moderation tests flag and decide on: a member's comment on `idea`,
    or `idea` itself (each test runs for both)."""
    if request.param == "idea":
        return Item("idea", idea.pk, author)
    from cocreate.dialogue import actions

    [writer] = make_members(1)
    comment = actions.post_comment(writer, idea, body="Cheap watches in my shop, ask me")
    return Item("comment", comment.pk, writer)
