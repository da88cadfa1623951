"""Grid rows for idea updates (the authors' progress posts and their discussions;
pages and API).

They run in the world of tests/core/grid_ideas.py (`Case.world`); its docstring says
which updates there are. Who may:

- read an update and its comments: whoever may see its idea (everyone in `pub`, site
  staff in the private community, only MODERATORS when the idea is hidden);
- post an update: the idea's author and accepted co-authors (an invited co-author
  not yet), taking part (confirmed, not muted or banned), while the idea is visible
  and not expired or merged, in any phase of a published challenge (review too);
- edit an update: its author only (not the idea's other authors), while its idea can
  be seen (even once the idea has expired);
- delete an update: its author, or MODERATORS of the community (who give a reason,
  kept in the audit log; every row here sends one, as a moderator without a reason
  gets a 422, not a refusal);
- comment on an update: as on its idea (SUBMITTERS, while the idea's discussion is
  open); an official answer needs MANAGERS on the API, while the page leaves the box
  out for everyone else and posts a plain comment.

The comment routes that work on any comment (permalink, edit, react ...) have a few
rows for a comment on an update too.
"""

from __future__ import annotations

from typing import Any

from tests.core.grid_data import (
    EVERYONE,
    MANAGERS,
    NOBODY,
    SITE_STAFF,
    Case,
    Scenario,
    unconfirmed_actor,
)
from tests.core.grid_dialogue import _new, _official_api, _official_page
from tests.core.grid_ideas import (
    AUTHOR,
    STAFF_IDEA_AUTHORS,
    SUBMITTERS,
    _idea,
    _idea_param,
    _w,
    iapi,
    ipage,
)
from tests.core.grid_moderation import MODERATORS, banned_actor, muted_actor

COAUTHOR = frozenset({"owner"})  # the author of `coauthor_update` (not the idea's author)
AUTHOR_OR_MODERATORS = AUTHOR | MODERATORS


def _update(attr: str) -> Any:
    return lambda s: [getattr(_w(s), attr).pk]


def _update_param(attr: str) -> Any:
    return lambda s: {"update_id": getattr(_w(s), attr).pk}


def _comment(attr: str) -> Any:
    return lambda s: [getattr(_w(s), attr).pk]


def _comment_param(attr: str) -> Any:
    return lambda s: {"comment_id": getattr(_w(s), attr).pk}


# Fresh data on every call (a row's data must not be shared between cells).
def _news(s: Scenario) -> dict[str, Any]:
    return {"title": "A bamboo base", "body": "Lighter, and it **rocks** less."}


def _reason(s: Scenario) -> dict[str, Any]:
    return {"reason": "Advertising."}


def _reply(s: Scenario) -> dict[str, Any]:
    return {"body": "Blue is planned.", "parent": _w(s).update_comment.pk}


def _heart(s: Scenario) -> dict[str, Any]:
    return {"kind": "heart"}


# --- pages -----------------------------------------------------------------------------------

PAGES: list[Case] = [
    # --- the list of an idea's updates ------------------------------------------------------
    ipage("dialogue:updates", "GET", "member's idea", EVERYONE, args=_idea("idea")),
    ipage("dialogue:updates", "GET", "expired", EVERYONE, args=_idea("expired_idea")),
    ipage("dialogue:updates", "GET", "hidden idea", MODERATORS, args=_idea("hidden_idea")),
    ipage("dialogue:updates", "GET", "private community", SITE_STAFF, args=_idea("priv_idea")),
    # --- posting one ------------------------------------------------------------------------
    ipage("dialogue:new_update", "GET", "member's idea", AUTHOR, args=_idea("idea")),
    ipage(
        "dialogue:new_update",
        "GET",
        "staff's idea (author and co-author)",
        STAFF_IDEA_AUTHORS,
        args=_idea("staff_idea"),
    ),
    ipage("dialogue:new_update", "GET", "expired", NOBODY, args=_idea("expired_idea")),
    ipage("dialogue:new_update", "GET", "hidden idea", NOBODY, args=_idea("hidden_idea")),
    ipage(
        "dialogue:new_update",
        "POST",
        "member's idea (the invited co-author not yet)",
        AUTHOR,
        args=_idea("idea"),
        data=_news,
    ),
    ipage(
        "dialogue:new_update",
        "POST",
        "staff's idea (author and co-author)",
        STAFF_IDEA_AUTHORS,
        args=_idea("staff_idea"),
        data=_news,
    ),
    ipage(
        "dialogue:new_update",
        "POST",
        "review phase",
        AUTHOR,
        args=_idea("review_idea"),
        data=_news,
    ),
    ipage("dialogue:new_update", "POST", "expired", NOBODY, args=_idea("expired_idea"), data=_news),
    ipage("dialogue:new_update", "POST", "merged", NOBODY, args=_idea("duplicate"), data=_news),
    ipage(
        "dialogue:new_update", "POST", "hidden idea", NOBODY, args=_idea("hidden_idea"), data=_news
    ),
    ipage(
        "dialogue:new_update",
        "POST",
        "private community",
        NOBODY,
        args=_idea("priv_idea"),
        data=_news,
    ),
    ipage(
        "dialogue:new_update",
        "POST",
        "muted actor",
        NOBODY,
        args=_idea("idea"),
        setup=muted_actor,
        data=_news,
    ),
    ipage(
        "dialogue:new_update",
        "POST",
        "banned actor",
        NOBODY,
        args=_idea("idea"),
        setup=banned_actor,
        data=_news,
    ),
    ipage(
        "dialogue:new_update",
        "POST",
        "unconfirmed email address",
        NOBODY,
        args=_idea("idea"),
        setup=unconfirmed_actor,
        data=_news,
    ),
    # --- one update, with its discussion --------------------------------------------------
    ipage("dialogue:update", "GET", "member's update", EVERYONE, args=_update("update")),
    ipage(
        "dialogue:update", "GET", "co-author's update", EVERYONE, args=_update("coauthor_update")
    ),
    ipage("dialogue:update", "GET", "on an expired idea", EVERYONE, args=_update("expired_update")),
    ipage("dialogue:update", "GET", "hidden idea", MODERATORS, args=_update("hidden_update")),
    ipage("dialogue:update", "GET", "private community", SITE_STAFF, args=_update("priv_update")),
    # --- editing and deleting ---------------------------------------------------------------
    ipage("dialogue:edit_update", "GET", "member's update", AUTHOR, args=_update("update")),
    ipage("dialogue:edit_update", "GET", "hidden idea", NOBODY, args=_update("hidden_update")),
    ipage(
        "dialogue:edit_update",
        "POST",
        "member's update",
        AUTHOR,
        args=_update("update"),
        data=_news,
    ),
    ipage(
        "dialogue:edit_update",
        "POST",
        "co-author's update (not the idea's author)",
        COAUTHOR,
        args=_update("coauthor_update"),
        data=_news,
    ),
    ipage(
        "dialogue:edit_update",
        "POST",
        "on an expired idea",
        AUTHOR,
        args=_update("expired_update"),
        data=_news,
    ),
    ipage(
        "dialogue:edit_update",
        "POST",
        "hidden idea",
        NOBODY,
        args=_update("hidden_update"),
        data=_news,
    ),
    ipage(
        "dialogue:delete_update",
        "POST",
        "member's update (moderators with a reason)",
        AUTHOR_OR_MODERATORS,
        args=_update("update"),
        data=_reason,
    ),
    ipage(
        "dialogue:delete_update",
        "POST",
        "co-author's update",
        COAUTHOR | MODERATORS,
        args=_update("coauthor_update"),
        data=_reason,
    ),
    ipage(
        "dialogue:delete_update",
        "POST",
        "on an expired idea",
        AUTHOR_OR_MODERATORS,
        args=_update("expired_update"),
        data=_reason,
    ),
    ipage(
        "dialogue:delete_update",
        "POST",
        "hidden idea",
        MODERATORS,
        args=_update("hidden_update"),
        data=_reason,
    ),
    ipage(
        "dialogue:delete_update",
        "POST",
        "private community",
        SITE_STAFF,
        args=_update("priv_update"),
        data=_reason,
    ),
    # --- commenting on an update ------------------------------------------------------------
    ipage("dialogue:post_update", "GET", "member's update", SUBMITTERS, args=_update("update")),
    ipage(
        "dialogue:post_update",
        "GET",
        "a reply",
        SUBMITTERS,
        args=_update("update"),
        query=lambda s: {"parent": _w(s).update_comment.pk},
    ),
    ipage("dialogue:post_update", "GET", "expired", NOBODY, args=_update("expired_update")),
    ipage(
        "dialogue:post_update",
        "GET",
        "private community",
        SITE_STAFF,
        args=_update("priv_update"),
    ),
    ipage(
        "dialogue:post_update",
        "POST",
        "member's update",
        SUBMITTERS,
        args=_update("update"),
        data=_new,
    ),
    ipage(
        "dialogue:post_update",
        "POST",
        "a reply",
        SUBMITTERS,
        args=_update("update"),
        data=_reply,
    ),
    ipage(
        "dialogue:post_update",
        "POST",
        "official box (left out for members: a plain comment)",
        SUBMITTERS,
        args=_update("update"),
        data=_official_page,
    ),
    ipage(
        "dialogue:post_update",
        "POST",
        "review phase",
        SUBMITTERS,
        args=_update("review_update"),
        data=_new,
    ),
    ipage(
        "dialogue:post_update",
        "POST",
        "expired",
        NOBODY,
        args=_update("expired_update"),
        data=_new,
    ),
    ipage(
        "dialogue:post_update",
        "POST",
        "hidden idea",
        NOBODY,
        args=_update("hidden_update"),
        data=_new,
    ),
    ipage(
        "dialogue:post_update",
        "POST",
        "private community",
        SITE_STAFF,
        args=_update("priv_update"),
        data=_new,
    ),
    ipage(
        "dialogue:post_update",
        "POST",
        "muted actor",
        SITE_STAFF,
        args=_update("update"),
        setup=muted_actor,
        data=_new,
    ),
    ipage(
        "dialogue:post_update",
        "POST",
        "unconfirmed email address",
        NOBODY,
        args=_update("update"),
        setup=unconfirmed_actor,
        data=_new,
    ),
    # --- the comment routes, on a comment on an update ------------------------------------
    ipage("dialogue:permalink", "GET", "on an update", EVERYONE, args=_comment("update_comment")),
    ipage(
        "dialogue:react",
        "POST",
        "on an update",
        SUBMITTERS,
        args=_comment("update_comment"),
        data=_heart,
    ),
]

# --- API -----------------------------------------------------------------------------------

API: list[Case] = [
    iapi("GET", "/ideas/{idea_id}/updates", "member's idea", EVERYONE, params=_idea_param("idea")),
    iapi(
        "GET",
        "/ideas/{idea_id}/updates",
        "hidden idea",
        MODERATORS,
        params=_idea_param("hidden_idea"),
    ),
    iapi(
        "GET",
        "/ideas/{idea_id}/updates",
        "private community",
        SITE_STAFF,
        params=_idea_param("priv_idea"),
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/updates",
        "member's idea (the invited co-author not yet)",
        AUTHOR,
        params=_idea_param("idea"),
        body=_news,
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/updates",
        "staff's idea (author and co-author)",
        STAFF_IDEA_AUTHORS,
        params=_idea_param("staff_idea"),
        body=_news,
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/updates",
        "review phase",
        AUTHOR,
        params=_idea_param("review_idea"),
        body=_news,
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/updates",
        "expired",
        NOBODY,
        params=_idea_param("expired_idea"),
        body=_news,
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/updates",
        "hidden idea",
        NOBODY,
        params=_idea_param("hidden_idea"),
        body=_news,
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/updates",
        "muted actor",
        NOBODY,
        params=_idea_param("idea"),
        setup=muted_actor,
        body=_news,
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/updates",
        "unconfirmed email address",
        NOBODY,
        params=_idea_param("idea"),
        setup=unconfirmed_actor,
        body=_news,
    ),
    iapi(
        "GET", "/updates/{update_id}", "member's update", EVERYONE, params=_update_param("update")
    ),
    iapi(
        "GET",
        "/updates/{update_id}",
        "on an expired idea",
        EVERYONE,
        params=_update_param("expired_update"),
    ),
    iapi(
        "GET",
        "/updates/{update_id}",
        "hidden idea",
        MODERATORS,
        params=_update_param("hidden_update"),
    ),
    iapi(
        "GET",
        "/updates/{update_id}",
        "private community",
        SITE_STAFF,
        params=_update_param("priv_update"),
    ),
    iapi(
        "PATCH",
        "/updates/{update_id}",
        "member's update",
        AUTHOR,
        params=_update_param("update"),
        body=_news,
    ),
    iapi(
        "PATCH",
        "/updates/{update_id}",
        "co-author's update (not the idea's author)",
        COAUTHOR,
        params=_update_param("coauthor_update"),
        body=_news,
    ),
    iapi(
        "PATCH",
        "/updates/{update_id}",
        "on an expired idea",
        AUTHOR,
        params=_update_param("expired_update"),
        body=_news,
    ),
    iapi(
        "PATCH",
        "/updates/{update_id}",
        "hidden idea",
        NOBODY,
        params=_update_param("hidden_update"),
        body=_news,
    ),
    iapi(
        "DELETE",
        "/updates/{update_id}",
        "member's update (moderators with a reason)",
        AUTHOR_OR_MODERATORS,
        params=_update_param("update"),
        body=_reason,
    ),
    iapi(
        "DELETE",
        "/updates/{update_id}",
        "co-author's update",
        COAUTHOR | MODERATORS,
        params=_update_param("coauthor_update"),
        body=_reason,
    ),
    iapi(
        "DELETE",
        "/updates/{update_id}",
        "hidden idea",
        MODERATORS,
        params=_update_param("hidden_update"),
        body=_reason,
    ),
    iapi(
        "DELETE",
        "/updates/{update_id}",
        "private community",
        SITE_STAFF,
        params=_update_param("priv_update"),
        body=_reason,
    ),
    iapi(
        "GET",
        "/updates/{update_id}/comments",
        "member's update",
        EVERYONE,
        params=_update_param("update"),
    ),
    iapi(
        "GET",
        "/updates/{update_id}/comments",
        "hidden idea",
        MODERATORS,
        params=_update_param("hidden_update"),
    ),
    iapi(
        "GET",
        "/updates/{update_id}/comments",
        "private community",
        SITE_STAFF,
        params=_update_param("priv_update"),
    ),
    iapi(
        "POST",
        "/updates/{update_id}/comments",
        "member's update",
        SUBMITTERS,
        params=_update_param("update"),
        body=_new,
    ),
    iapi(
        "POST",
        "/updates/{update_id}/comments",
        "a reply",
        SUBMITTERS,
        params=_update_param("update"),
        body=_reply,
    ),
    iapi(
        "POST",
        "/updates/{update_id}/comments",
        "official answer",
        MANAGERS,
        params=_update_param("update"),
        body=_official_api,
    ),
    iapi(
        "POST",
        "/updates/{update_id}/comments",
        "review phase",
        SUBMITTERS,
        params=_update_param("review_update"),
        body=_new,
    ),
    iapi(
        "POST",
        "/updates/{update_id}/comments",
        "expired",
        NOBODY,
        params=_update_param("expired_update"),
        body=_new,
    ),
    iapi(
        "POST",
        "/updates/{update_id}/comments",
        "hidden idea",
        NOBODY,
        params=_update_param("hidden_update"),
        body=_new,
    ),
    iapi(
        "POST",
        "/updates/{update_id}/comments",
        "private community",
        SITE_STAFF,
        params=_update_param("priv_update"),
        body=_new,
    ),
    iapi(
        "POST",
        "/updates/{update_id}/comments",
        "muted actor",
        SITE_STAFF,
        params=_update_param("update"),
        setup=muted_actor,
        body=_new,
    ),
    iapi(
        "GET",
        "/comments/{comment_id}",
        "on an update",
        EVERYONE,
        params=_comment_param("update_comment"),
    ),
]

UPDATE_GRID: list[Case] = PAGES + API
