"""Grid rows for the dialogue (comments on ideas and challenges, pages and API).

They run in the world of tests/core/grid_ideas.py (`Case.world`); its docstring says
which comments there are. Who may:

- read: whoever may see the challenge (everyone in `pub`, site staff in the private
  community, managers for a draft);
- post and react: members of the community and site staff (SUBMITTERS), while the
  challenge is published and its phase allows comments (the submission phase of
  `challenge`, and also the review phase of `review_challenge`), never on an expired
  or merged idea;
- post an official answer: staff and owner of `pub`, and site staff (MANAGERS); a
  member asking for one through the API is refused, while the page simply leaves the
  box out and posts a plain comment;
- edit and delete: the comment's author, while it is visible (even on an idea that
  has since expired);
- accept an answer: the author of the thread's first comment, on someone else's
  reply.
"""

from __future__ import annotations

from typing import Any

from cocreate.dialogue.models import Reaction
from tests.core.grid_data import (
    EVERYONE,
    MANAGERS,
    NOBODY,
    SITE_STAFF,
    Case,
    Scenario,
    unconfirmed_actor,
)
from tests.core.grid_ideas import (
    AUTHOR,
    SUBMITTERS,
    _challenge,
    _challenge_param,
    _idea,
    _idea_param,
    _w,
    iapi,
    ipage,
)

STAFF_AUTHOR = frozenset({"staff"})  # the author of the official answer on `idea`


def _comment(attr: str) -> Any:
    return lambda s: [getattr(_w(s), attr).pk]


def _comment_param(attr: str) -> Any:
    return lambda s: {"comment_id": getattr(_w(s), attr).pk}


def _reaction_param(attr: str, kind: str) -> Any:
    return lambda s: {"comment_id": getattr(_w(s), attr).pk, "kind": kind}


# Fresh bodies on every call (a row's data must not be shared between cells).
def _new(s: Scenario) -> dict[str, Any]:
    return {"body": "Could the shade be linen?"}


def _reply(s: Scenario) -> dict[str, Any]:
    return {"body": "Cork is warm to the touch.", "parent": _w(s).comment.pk}


def _official_page(s: Scenario) -> dict[str, Any]:
    return {"body": "The factory can make it.", "official": "on"}


def _official_api(s: Scenario) -> dict[str, Any]:
    return {"body": "The factory can make it.", "official": True}


def _edited(s: Scenario) -> dict[str, Any]:
    return {"body": "Does the cork stay cool when the bulb is on?"}


def _heart(s: Scenario) -> dict[str, Any]:
    return {"kind": "heart"}


def actor_hearts_comment(s: Scenario) -> None:
    """The actor has given the member's comment a heart (the outsider as someone who
    did while a member and has since left)."""
    if s.actor is not None:
        Reaction.objects.create(comment=_w(s).comment, user=s.actor, kind="heart")


# --- pages -----------------------------------------------------------------------------------

PAGES: list[Case] = [
    ipage("dialogue:post_idea", "GET", "member's idea", SUBMITTERS, args=_idea("idea")),
    ipage(
        "dialogue:post_idea",
        "GET",
        "a reply",
        SUBMITTERS,
        args=_idea("idea"),
        query=lambda s: {"parent": _w(s).comment.pk},
    ),
    ipage("dialogue:post_idea", "GET", "expired", NOBODY, args=_idea("expired_idea")),
    ipage("dialogue:post_idea", "GET", "private community", SITE_STAFF, args=_idea("priv_idea")),
    ipage("dialogue:post_idea", "POST", "member's idea", SUBMITTERS, args=_idea("idea"), data=_new),
    ipage("dialogue:post_idea", "POST", "a reply", SUBMITTERS, args=_idea("idea"), data=_reply),
    ipage(
        "dialogue:post_idea",
        "POST",
        "official box (left out for members: a plain comment)",
        SUBMITTERS,
        args=_idea("idea"),
        data=_official_page,
    ),
    ipage(
        "dialogue:post_idea",
        "POST",
        "review phase",
        SUBMITTERS,
        args=_idea("review_idea"),
        data=_new,
    ),
    ipage("dialogue:post_idea", "POST", "expired", NOBODY, args=_idea("expired_idea"), data=_new),
    ipage("dialogue:post_idea", "POST", "merged", NOBODY, args=_idea("duplicate"), data=_new),
    ipage(
        "dialogue:post_idea",
        "POST",
        "private community",
        SITE_STAFF,
        args=_idea("priv_idea"),
        data=_new,
    ),
    ipage(
        "dialogue:post_idea",
        "POST",
        "unconfirmed email address",
        NOBODY,
        args=_idea("idea"),
        setup=unconfirmed_actor,
        data=_new,
    ),
    ipage(
        "dialogue:post_challenge",
        "GET",
        "submission phase",
        SUBMITTERS,
        args=_challenge("challenge"),
    ),
    ipage("dialogue:post_challenge", "GET", "draft", NOBODY, args=_challenge("draft")),
    ipage(
        "dialogue:post_challenge",
        "POST",
        "submission phase",
        SUBMITTERS,
        args=_challenge("challenge"),
        data=_new,
    ),
    ipage(
        "dialogue:post_challenge",
        "POST",
        "review phase",
        SUBMITTERS,
        args=_challenge("review_challenge"),
        data=_new,
    ),
    ipage(
        "dialogue:post_challenge",
        "POST",
        "official box (left out for members: a plain comment)",
        SUBMITTERS,
        args=_challenge("challenge"),
        data=_official_page,
    ),
    ipage("dialogue:post_challenge", "POST", "draft", NOBODY, args=_challenge("draft"), data=_new),
    ipage(
        "dialogue:post_challenge",
        "POST",
        "private community",
        SITE_STAFF,
        args=_challenge("priv_challenge"),
        data=_new,
    ),
    ipage("dialogue:permalink", "GET", "member's comment", EVERYONE, args=_comment("comment")),
    ipage("dialogue:permalink", "GET", "on the challenge", EVERYONE, args=_comment("question")),
    ipage("dialogue:permalink", "GET", "placeholder", EVERYONE, args=_comment("placeholder")),
    ipage(
        "dialogue:permalink", "GET", "private community", SITE_STAFF, args=_comment("priv_comment")
    ),
    ipage("dialogue:history", "GET", "member's comment", EVERYONE, args=_comment("comment")),
    ipage("dialogue:history", "GET", "placeholder", NOBODY, args=_comment("placeholder")),
    ipage(
        "dialogue:history", "GET", "private community", SITE_STAFF, args=_comment("priv_comment")
    ),
    ipage("dialogue:edit", "GET", "member's comment", AUTHOR, args=_comment("comment")),
    ipage("dialogue:edit", "GET", "placeholder", NOBODY, args=_comment("placeholder")),
    ipage(
        "dialogue:edit",
        "POST",
        "member's comment",
        AUTHOR,
        args=_comment("comment"),
        data=_edited,
    ),
    ipage(
        "dialogue:edit",
        "POST",
        "official answer",
        STAFF_AUTHOR,
        args=_comment("official"),
        data=_edited,
    ),
    ipage(
        "dialogue:edit",
        "POST",
        "on an expired idea",
        AUTHOR,
        args=_comment("expired_comment"),
        data=_edited,
    ),
    ipage(
        "dialogue:edit", "POST", "proposer's reply", NOBODY, args=_comment("reply"), data=_edited
    ),
    ipage(
        "dialogue:edit", "POST", "placeholder", NOBODY, args=_comment("placeholder"), data=_edited
    ),
    ipage(
        "dialogue:delete",
        "POST",
        "member's comment (a placeholder stays)",
        AUTHOR,
        args=_comment("comment"),
    ),
    ipage(
        "dialogue:delete", "POST", "on an expired idea", AUTHOR, args=_comment("expired_comment")
    ),
    ipage("dialogue:delete", "POST", "proposer's reply", NOBODY, args=_comment("reply")),
    ipage("dialogue:delete", "POST", "placeholder", NOBODY, args=_comment("placeholder")),
    ipage(
        "dialogue:react",
        "POST",
        "member's comment",
        SUBMITTERS,
        args=_comment("comment"),
        data=_heart,
    ),
    ipage(
        "dialogue:react",
        "POST",
        "own heart (taken back)",
        SUBMITTERS,
        args=_comment("comment"),
        setup=actor_hearts_comment,
        data=_heart,
    ),
    ipage(
        "dialogue:react",
        "POST",
        "review phase",
        SUBMITTERS,
        args=_comment("review_comment"),
        data=_heart,
    ),
    ipage(
        "dialogue:react",
        "POST",
        "on an expired idea",
        NOBODY,
        args=_comment("expired_comment"),
        data=_heart,
    ),
    ipage(
        "dialogue:react", "POST", "placeholder", NOBODY, args=_comment("placeholder"), data=_heart
    ),
    ipage(
        "dialogue:react",
        "POST",
        "private community",
        SITE_STAFF,
        args=_comment("priv_comment"),
        data=_heart,
    ),
    ipage(
        "dialogue:accept",
        "POST",
        "a reply to the member",
        AUTHOR,
        args=_comment("reply"),
        data=lambda s: {"accept": "1"},
    ),
    ipage(
        "dialogue:accept",
        "POST",
        "unmark the accepted answer",
        AUTHOR,
        args=_comment("answer"),
        data=lambda s: {"accept": "0"},
    ),
    ipage(
        "dialogue:accept",
        "POST",
        "a thread's first comment",
        NOBODY,
        args=_comment("comment"),
        data=lambda s: {"accept": "1"},
    ),
]

# --- API -----------------------------------------------------------------------------------

API: list[Case] = [
    iapi("GET", "/ideas/{idea_id}/comments", "member's idea", EVERYONE, params=_idea_param("idea")),
    iapi(
        "GET", "/ideas/{idea_id}/comments", "expired", EVERYONE, params=_idea_param("expired_idea")
    ),
    iapi(
        "GET",
        "/ideas/{idea_id}/comments",
        "private community",
        SITE_STAFF,
        params=_idea_param("priv_idea"),
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/comments",
        "member's idea",
        SUBMITTERS,
        params=_idea_param("idea"),
        body=_new,
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/comments",
        "a reply",
        SUBMITTERS,
        params=_idea_param("idea"),
        body=_reply,
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/comments",
        "official answer",
        MANAGERS,
        params=_idea_param("idea"),
        body=_official_api,
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/comments",
        "review phase",
        SUBMITTERS,
        params=_idea_param("review_idea"),
        body=_new,
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/comments",
        "expired",
        NOBODY,
        params=_idea_param("expired_idea"),
        body=_new,
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/comments",
        "merged",
        NOBODY,
        params=_idea_param("duplicate"),
        body=_new,
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/comments",
        "private community",
        SITE_STAFF,
        params=_idea_param("priv_idea"),
        body=_new,
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/comments",
        "unconfirmed email address",
        NOBODY,
        params=_idea_param("idea"),
        setup=unconfirmed_actor,
        body=_new,
    ),
    iapi(
        "GET",
        "/challenges/{challenge_id}/comments",
        "published",
        EVERYONE,
        params=_challenge_param("challenge"),
    ),
    iapi(
        "GET",
        "/challenges/{challenge_id}/comments",
        "draft",
        MANAGERS,
        params=_challenge_param("draft"),
    ),
    iapi(
        "GET",
        "/challenges/{challenge_id}/comments",
        "private community",
        SITE_STAFF,
        params=_challenge_param("priv_challenge"),
    ),
    iapi(
        "POST",
        "/challenges/{challenge_id}/comments",
        "submission phase",
        SUBMITTERS,
        params=_challenge_param("challenge"),
        body=_new,
    ),
    iapi(
        "POST",
        "/challenges/{challenge_id}/comments",
        "review phase",
        SUBMITTERS,
        params=_challenge_param("review_challenge"),
        body=_new,
    ),
    iapi(
        "POST",
        "/challenges/{challenge_id}/comments",
        "official answer",
        MANAGERS,
        params=_challenge_param("challenge"),
        body=_official_api,
    ),
    iapi(
        "POST",
        "/challenges/{challenge_id}/comments",
        "draft",
        NOBODY,
        params=_challenge_param("draft"),
        body=_new,
    ),
    iapi(
        "POST",
        "/challenges/{challenge_id}/comments",
        "private community",
        SITE_STAFF,
        params=_challenge_param("priv_challenge"),
        body=_new,
    ),
    iapi(
        "GET",
        "/comments/{comment_id}",
        "member's comment",
        EVERYONE,
        params=_comment_param("comment"),
    ),
    iapi(
        "GET",
        "/comments/{comment_id}",
        "placeholder",
        EVERYONE,
        params=_comment_param("placeholder"),
    ),
    iapi(
        "GET",
        "/comments/{comment_id}",
        "private community",
        SITE_STAFF,
        params=_comment_param("priv_comment"),
    ),
    iapi(
        "GET",
        "/comments/{comment_id}/versions",
        "member's comment",
        EVERYONE,
        params=_comment_param("comment"),
    ),
    iapi(
        "GET",
        "/comments/{comment_id}/versions",
        "private community",
        SITE_STAFF,
        params=_comment_param("priv_comment"),
    ),
    iapi(
        "PATCH",
        "/comments/{comment_id}",
        "member's comment",
        AUTHOR,
        params=_comment_param("comment"),
        body=_edited,
    ),
    iapi(
        "PATCH",
        "/comments/{comment_id}",
        "official answer",
        STAFF_AUTHOR,
        params=_comment_param("official"),
        body=_edited,
    ),
    iapi(
        "PATCH",
        "/comments/{comment_id}",
        "on an expired idea",
        AUTHOR,
        params=_comment_param("expired_comment"),
        body=_edited,
    ),
    iapi(
        "PATCH",
        "/comments/{comment_id}",
        "proposer's reply",
        NOBODY,
        params=_comment_param("reply"),
        body=_edited,
    ),
    iapi(
        "PATCH",
        "/comments/{comment_id}",
        "placeholder",
        NOBODY,
        params=_comment_param("placeholder"),
        body=_edited,
    ),
    iapi(
        "DELETE",
        "/comments/{comment_id}",
        "member's comment (a placeholder stays)",
        AUTHOR,
        params=_comment_param("comment"),
    ),
    iapi(
        "DELETE",
        "/comments/{comment_id}",
        "on an expired idea",
        AUTHOR,
        params=_comment_param("expired_comment"),
    ),
    iapi(
        "DELETE",
        "/comments/{comment_id}",
        "proposer's reply",
        NOBODY,
        params=_comment_param("reply"),
    ),
    iapi(
        "DELETE",
        "/comments/{comment_id}",
        "placeholder",
        NOBODY,
        params=_comment_param("placeholder"),
    ),
    iapi(
        "POST",
        "/comments/{comment_id}/reactions",
        "member's comment",
        SUBMITTERS,
        params=_comment_param("comment"),
        body=_heart,
    ),
    iapi(
        "POST",
        "/comments/{comment_id}/reactions",
        "review phase",
        SUBMITTERS,
        params=_comment_param("review_comment"),
        body=_heart,
    ),
    iapi(
        "POST",
        "/comments/{comment_id}/reactions",
        "on an expired idea",
        NOBODY,
        params=_comment_param("expired_comment"),
        body=_heart,
    ),
    iapi(
        "POST",
        "/comments/{comment_id}/reactions",
        "placeholder",
        NOBODY,
        params=_comment_param("placeholder"),
        body=_heart,
    ),
    iapi(
        "POST",
        "/comments/{comment_id}/reactions",
        "private community",
        SITE_STAFF,
        params=_comment_param("priv_comment"),
        body=_heart,
    ),
    iapi(
        "DELETE",
        "/comments/{comment_id}/reactions/{kind}",
        "own heart",
        SUBMITTERS,
        params=_reaction_param("comment", "heart"),
        setup=actor_hearts_comment,
    ),
    iapi(
        "DELETE",
        "/comments/{comment_id}/reactions/{kind}",
        "only the proposer's heart",
        NOBODY,
        params=_reaction_param("comment", "heart"),
    ),
    iapi(
        "POST",
        "/comments/{comment_id}/accept",
        "a reply to the member",
        AUTHOR,
        params=_comment_param("reply"),
        body=lambda s: {"accept": True},
    ),
    iapi(
        "POST",
        "/comments/{comment_id}/accept",
        "unmark the accepted answer",
        AUTHOR,
        params=_comment_param("answer"),
        body=lambda s: {"accept": False},
    ),
    iapi(
        "POST",
        "/comments/{comment_id}/accept",
        "a thread's first comment",
        NOBODY,
        params=_comment_param("comment"),
        body=lambda s: {"accept": True},
    ),
]

DIALOGUE_GRID: list[Case] = PAGES + API
