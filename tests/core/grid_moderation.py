"""Grid rows for moderation (flags, the moderators' queue, decisions and audit log,
mutes and bans; pages and API), and rows proving that hidden ideas and mutes and bans
hold on the routes of ideas and the dialogue.

They run in the world of tests/core/grid_ideas.py (`Case.world`); its docstring says
what there is to moderate. Who may:

- flag: members taking part (not muted or banned; site staff anywhere), on visible
  content by someone else; a flag by a brand-new member is stored all the same, it
  only does not count toward hiding;
- see the queue and the log, restore or remove content: moderators, staff and owner
  of the community, and site staff (MODERATORS);
- mute and ban: MODERATORS, on members below them: a moderator only by staff, owner
  or site staff; never staff or owners, never oneself;
- see a hidden idea: MODERATORS only, on every route (404 for everyone else, its
  author included).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from cocreate.communities.models import Membership
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
    NEW_IDEA,
    NOT_IDEA_AUTHOR,
    SUBMITTERS,
    _challenge_param,
    _idea,
    _idea_param,
    _slug,
    _slug_param,
    _w,
    iapi,
    ipage,
)

MODERATORS = MANAGERS | {"moderator"}
NOT_MEMBER = SUBMITTERS - AUTHOR  # may flag the member's content
NOT_STAFF = SUBMITTERS - {"staff"}  # may flag the staff user's official answer


def _comment(attr: str) -> Any:
    return lambda s: [getattr(_w(s), attr).pk]


def _comment_param(attr: str) -> Any:
    return lambda s: {"comment_id": getattr(_w(s), attr).pk}


def _person(s: Scenario, who: str) -> Any:
    """A role user, a user of the scenario (staff2, applicant ...) or of the world
    (muted, banned)."""
    if who in s.users:
        return s.user(who)
    return getattr(s, who, None) or getattr(_w(s), who)


def _member_page(who: str, slug: str = "pub") -> Any:
    return lambda s: [getattr(s, slug).slug, _person(s, who).pk]


def _member_param(who: str, slug: str = "pub", kind: str | None = None) -> Any:
    def params(s: Scenario) -> dict[str, Any]:
        found = {"slug": getattr(s, slug).slug, "user_id": _person(s, who).pk}
        return {**found, "kind": kind} if kind else found

    return params


# Fresh data on every call (a row's data must not be shared between cells).
def _spam(s: Scenario) -> dict[str, Any]:
    return {"reason": "spam", "note": "Links to a shop."}


def _remove(s: Scenario) -> dict[str, Any]:
    return {"decision": "remove", "reason": "Advertising."}


def _restore(s: Scenario) -> dict[str, Any]:
    return {"decision": "restore", "reason": ""}


def _mute_page(s: Scenario) -> dict[str, Any]:
    return {"action": "sanction", "kind": "mute", "days": "7", "reason": "Links to a shop."}


def _ban_page(s: Scenario) -> dict[str, Any]:
    return {"action": "sanction", "kind": "ban", "days": "", "reason": "Threats."}


def _mute_api(s: Scenario) -> dict[str, Any]:
    return {"kind": "mute", "days": 7, "reason": "Links to a shop."}


def _ban_api(s: Scenario) -> dict[str, Any]:
    return {"kind": "ban", "days": None, "reason": "Threats."}


def _new_comment(s: Scenario) -> dict[str, Any]:
    return {"body": "Could the shade be linen?"}


# --- setups ----------------------------------------------------------------------------------


def _sanction_actor(s: Scenario, **fields: Any) -> None:
    if s.actor is not None:
        Membership.objects.filter(community=s.pub, user=s.actor).update(**fields)


def muted_actor(s: Scenario) -> None:
    """The actor is muted in pub for a week (site staff and the outsider have no
    membership to mute)."""
    _sanction_actor(s, muted_until=timezone.now() + timedelta(days=7))


def banned_actor(s: Scenario) -> None:
    _sanction_actor(s, banned_until=timezone.now() + timedelta(days=7))


def new_member_actor(s: Scenario) -> None:
    """The actor joined pub a minute ago: not yet in good standing."""
    _sanction_actor(s, joined_at=timezone.now() - timedelta(minutes=1))


# --- pages -----------------------------------------------------------------------------------

PAGES: list[Case] = [
    # --- flags --------------------------------------------------------------------------
    ipage("dialogue:flag_comment", "GET", "proposer's reply", SUBMITTERS, args=_comment("reply")),
    ipage("dialogue:flag_comment", "GET", "member's comment", NOT_MEMBER, args=_comment("comment")),
    ipage("dialogue:flag_comment", "GET", "hidden", NOBODY, args=_comment("hidden_comment")),
    ipage(
        "dialogue:flag_comment",
        "POST",
        "proposer's reply (the third flag hides it)",
        SUBMITTERS,
        args=_comment("reply"),
        data=_spam,
    ),
    ipage(
        "dialogue:flag_comment",
        "POST",
        "by a brand-new member (stored, does not count)",
        SUBMITTERS,
        args=_comment("reply"),
        setup=new_member_actor,
        data=_spam,
    ),
    ipage(
        "dialogue:flag_comment",
        "POST",
        "member's comment",
        NOT_MEMBER,
        args=_comment("comment"),
        data=_spam,
    ),
    ipage(
        "dialogue:flag_comment",
        "POST",
        "official answer",
        NOT_STAFF,
        args=_comment("official"),
        data=_spam,
    ),
    ipage(
        "dialogue:flag_comment",
        "POST",
        "hidden",
        NOBODY,
        args=_comment("hidden_comment"),
        data=_spam,
    ),
    ipage(
        "dialogue:flag_comment",
        "POST",
        "placeholder",
        NOBODY,
        args=_comment("placeholder"),
        data=_spam,
    ),
    ipage(
        "dialogue:flag_comment",
        "POST",
        "private community",
        SITE_STAFF,
        args=_comment("priv_comment"),
        data=_spam,
    ),
    ipage(
        "dialogue:flag_comment",
        "POST",
        "muted actor",
        SITE_STAFF,
        args=_comment("reply"),
        setup=muted_actor,
        data=_spam,
    ),
    ipage(
        "dialogue:flag_comment",
        "POST",
        "banned actor",
        SITE_STAFF,
        args=_comment("reply"),
        setup=banned_actor,
        data=_spam,
    ),
    ipage(
        "dialogue:flag_comment",
        "POST",
        "unconfirmed email address",
        NOBODY,
        args=_comment("reply"),
        setup=unconfirmed_actor,
        data=_spam,
    ),
    ipage("dialogue:flag_idea", "GET", "member's idea", NOT_MEMBER, args=_idea("idea")),
    ipage("dialogue:flag_idea", "GET", "hidden", NOBODY, args=_idea("hidden_idea")),
    ipage(
        "dialogue:flag_idea", "POST", "member's idea", NOT_MEMBER, args=_idea("idea"), data=_spam
    ),
    ipage(
        "dialogue:flag_idea",
        "POST",
        "proposer's idea-box idea",
        SUBMITTERS,
        args=_idea("box_idea"),
        data=_spam,
    ),
    ipage(
        "dialogue:flag_idea",
        "POST",
        "expired (still reportable)",
        NOT_MEMBER,
        args=_idea("expired_idea"),
        data=_spam,
    ),
    ipage("dialogue:flag_idea", "POST", "hidden", NOBODY, args=_idea("hidden_idea"), data=_spam),
    ipage(
        "dialogue:flag_idea",
        "POST",
        "private community",
        SITE_STAFF,
        args=_idea("priv_idea"),
        data=_spam,
    ),
    ipage(
        "dialogue:flag_idea",
        "POST",
        "muted actor",
        SITE_STAFF,
        args=_idea("box_idea"),
        setup=muted_actor,
        data=_spam,
    ),
    # --- queue, log and decisions ---------------------------------------------------------
    ipage("dialogue:queue", "GET", "public", MODERATORS, args=_slug("pub")),
    ipage("dialogue:queue", "GET", "private", SITE_STAFF, args=_slug("priv")),
    ipage(
        "dialogue:queue",
        "GET",
        "circle of pub (not pub's moderators)",
        MANAGERS,
        args=_slug("circle"),
    ),
    ipage("dialogue:log", "GET", "public", MODERATORS, args=_slug("pub")),
    ipage("dialogue:log", "GET", "private", SITE_STAFF, args=_slug("priv")),
    ipage(
        "dialogue:decide_comment",
        "POST",
        "remove the flagged reply",
        MODERATORS,
        args=_comment("reply"),
        data=_remove,
    ),
    ipage(
        "dialogue:decide_comment",
        "POST",
        "restore the hidden comment",
        MODERATORS,
        args=_comment("hidden_comment"),
        data=_restore,
    ),
    ipage(
        "dialogue:decide_comment",
        "POST",
        "remove an unflagged comment",
        MODERATORS,
        args=_comment("comment"),
        data=_remove,
    ),
    ipage(
        "dialogue:decide_comment",
        "POST",
        "private community",
        SITE_STAFF,
        args=_comment("priv_comment"),
        data=_remove,
    ),
    ipage(
        "dialogue:decide_idea",
        "POST",
        "restore the hidden idea",
        MODERATORS,
        args=_idea("hidden_idea"),
        data=_restore,
    ),
    ipage(
        "dialogue:decide_idea",
        "POST",
        "remove the member's idea",
        MODERATORS,
        args=_idea("idea"),
        data=_remove,
    ),
    ipage(
        "dialogue:decide_idea",
        "POST",
        "private community",
        SITE_STAFF,
        args=_idea("priv_idea"),
        data=_remove,
    ),
    # --- mutes and bans -------------------------------------------------------------------
    ipage("dialogue:member", "GET", "the member", MODERATORS, args=_member_page("member")),
    ipage("dialogue:member", "GET", "the owner (no form)", MODERATORS, args=_member_page("owner")),
    ipage("dialogue:member", "GET", "not in pub", NOBODY, args=_member_page("applicant")),
    ipage(
        "dialogue:member",
        "GET",
        "another community",
        SITE_STAFF,
        args=_member_page("applicant", "other"),
    ),
    ipage(
        "dialogue:member",
        "POST",
        "mute the member",
        MODERATORS,
        args=_member_page("member"),
        data=_mute_page,
    ),
    ipage(
        "dialogue:member",
        "POST",
        "ban the member until lifted",
        MODERATORS,
        args=_member_page("member"),
        data=_ban_page,
    ),
    ipage(
        "dialogue:member",
        "POST",
        "mute the moderator",
        MANAGERS,
        args=_member_page("moderator"),
        data=_mute_page,
    ),
    ipage(
        "dialogue:member",
        "POST",
        "mute a staff member",
        NOBODY,
        args=_member_page("staff2"),
        data=_mute_page,
    ),
    ipage(
        "dialogue:member",
        "POST",
        "ban the owner",
        NOBODY,
        args=_member_page("owner"),
        data=_ban_page,
    ),
    ipage(
        "dialogue:member",
        "POST",
        "lift the mute",
        MODERATORS,
        args=_member_page("muted"),
        data=lambda s: {"action": "lift", "kind": "mute", "reason": "Served."},
    ),
    ipage(
        "dialogue:member",
        "POST",
        "lift the ban",
        MODERATORS,
        args=_member_page("banned"),
        data=lambda s: {"action": "lift", "kind": "ban", "reason": ""},
    ),
    ipage(
        "dialogue:member",
        "POST",
        "another community",
        SITE_STAFF,
        args=_member_page("applicant", "other"),
        data=_mute_page,
    ),
    # --- hidden content on the routes of ideas and the dialogue -------------------------
    ipage("ideas:detail", "GET", "hidden", MODERATORS, args=_idea("hidden_idea")),
    ipage("ideas:versions", "GET", "hidden", MODERATORS, args=_idea("hidden_idea")),
    ipage("ideas:lineage", "GET", "hidden", MODERATORS, args=_idea("hidden_idea")),
    ipage("ideas:edit", "GET", "hidden (its author too)", NOBODY, args=_idea("hidden_idea")),
    ipage(
        "ideas:edit",
        "POST",
        "hidden (its author too)",
        NOBODY,
        args=_idea("hidden_idea"),
        data=lambda s: {"title": "Lamp coupons", "body": "Now even cheaper, rewritten."},
    ),
    ipage("dialogue:post_idea", "GET", "hidden", NOBODY, args=_idea("hidden_idea")),
    ipage(
        "dialogue:post_idea",
        "POST",
        "hidden",
        NOBODY,
        args=_idea("hidden_idea"),
        data=_new_comment,
    ),
    ipage(
        "dialogue:permalink",
        "GET",
        "hidden (a placeholder)",
        EVERYONE,
        args=_comment("hidden_comment"),
    ),
    ipage(
        "dialogue:permalink",
        "GET",
        "on a hidden idea",
        MODERATORS,
        args=_comment("hidden_idea_comment"),
    ),
    ipage("dialogue:history", "GET", "hidden", NOBODY, args=_comment("hidden_comment")),
    ipage(
        "dialogue:history",
        "GET",
        "on a hidden idea",
        MODERATORS,
        args=_comment("hidden_idea_comment"),
    ),
    ipage(
        "dialogue:react",
        "POST",
        "hidden",
        NOBODY,
        args=_comment("hidden_comment"),
        data=lambda s: {"kind": "heart"},
    ),
    # --- mutes and bans on the routes of ideas and the dialogue --------------------------
    ipage(
        "dialogue:post_idea",
        "POST",
        "muted actor",
        SITE_STAFF,
        args=_idea("idea"),
        setup=muted_actor,
        data=_new_comment,
    ),
    ipage(
        "ideas:new",
        "POST",
        "banned actor",
        SITE_STAFF,
        args=lambda s: [_w(s).box.pk],
        setup=banned_actor,
        data=lambda s: NEW_IDEA,
    ),
    ipage(
        "ideas:support",
        "POST",
        "muted actor (may still support)",
        NOT_IDEA_AUTHOR,
        args=_idea("idea"),
        setup=muted_actor,
    ),
    ipage(
        "ideas:support",
        "POST",
        "banned actor",
        SITE_STAFF,
        args=_idea("idea"),
        setup=banned_actor,
    ),
]

# --- API -----------------------------------------------------------------------------------

API: list[Case] = [
    # --- flags --------------------------------------------------------------------------
    iapi(
        "POST",
        "/comments/{comment_id}/flag",
        "proposer's reply (the third flag hides it)",
        SUBMITTERS,
        params=_comment_param("reply"),
        body=_spam,
    ),
    iapi(
        "POST",
        "/comments/{comment_id}/flag",
        "by a brand-new member (stored, does not count)",
        SUBMITTERS,
        params=_comment_param("reply"),
        setup=new_member_actor,
        body=_spam,
    ),
    iapi(
        "POST",
        "/comments/{comment_id}/flag",
        "member's comment",
        NOT_MEMBER,
        params=_comment_param("comment"),
        body=_spam,
    ),
    iapi(
        "POST",
        "/comments/{comment_id}/flag",
        "hidden",
        NOBODY,
        params=_comment_param("hidden_comment"),
        body=_spam,
    ),
    iapi(
        "POST",
        "/comments/{comment_id}/flag",
        "placeholder",
        NOBODY,
        params=_comment_param("placeholder"),
        body=_spam,
    ),
    iapi(
        "POST",
        "/comments/{comment_id}/flag",
        "private community",
        SITE_STAFF,
        params=_comment_param("priv_comment"),
        body=_spam,
    ),
    iapi(
        "POST",
        "/comments/{comment_id}/flag",
        "muted actor",
        SITE_STAFF,
        params=_comment_param("reply"),
        setup=muted_actor,
        body=_spam,
    ),
    iapi(
        "POST",
        "/comments/{comment_id}/flag",
        "unconfirmed email address",
        NOBODY,
        params=_comment_param("reply"),
        setup=unconfirmed_actor,
        body=_spam,
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/flag",
        "member's idea",
        NOT_MEMBER,
        params=_idea_param("idea"),
        body=_spam,
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/flag",
        "proposer's idea-box idea",
        SUBMITTERS,
        params=_idea_param("box_idea"),
        body=_spam,
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/flag",
        "hidden",
        NOBODY,
        params=_idea_param("hidden_idea"),
        body=_spam,
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/flag",
        "private community",
        SITE_STAFF,
        params=_idea_param("priv_idea"),
        body=_spam,
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/flag",
        "banned actor",
        SITE_STAFF,
        params=_idea_param("box_idea"),
        setup=banned_actor,
        body=_spam,
    ),
    # --- queue, log and decisions ---------------------------------------------------------
    iapi(
        "GET",
        "/communities/{slug}/moderation/queue",
        "public",
        MODERATORS,
        params=_slug_param("pub"),
    ),
    iapi(
        "GET",
        "/communities/{slug}/moderation/queue",
        "private",
        SITE_STAFF,
        params=_slug_param("priv"),
    ),
    iapi(
        "GET",
        "/communities/{slug}/moderation/queue",
        "circle of pub (not pub's moderators)",
        MANAGERS,
        params=_slug_param("circle"),
    ),
    iapi(
        "GET",
        "/communities/{slug}/moderation/log",
        "public",
        MODERATORS,
        params=_slug_param("pub"),
    ),
    iapi(
        "GET",
        "/communities/{slug}/moderation/log",
        "private",
        SITE_STAFF,
        params=_slug_param("priv"),
    ),
    iapi(
        "POST",
        "/comments/{comment_id}/moderation",
        "remove the flagged reply",
        MODERATORS,
        params=_comment_param("reply"),
        body=_remove,
    ),
    iapi(
        "POST",
        "/comments/{comment_id}/moderation",
        "restore the hidden comment",
        MODERATORS,
        params=_comment_param("hidden_comment"),
        body=_restore,
    ),
    iapi(
        "POST",
        "/comments/{comment_id}/moderation",
        "private community",
        SITE_STAFF,
        params=_comment_param("priv_comment"),
        body=_remove,
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/moderation",
        "restore the hidden idea",
        MODERATORS,
        params=_idea_param("hidden_idea"),
        body=_restore,
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/moderation",
        "remove the member's idea",
        MODERATORS,
        params=_idea_param("idea"),
        body=_remove,
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/moderation",
        "private community",
        SITE_STAFF,
        params=_idea_param("priv_idea"),
        body=_remove,
    ),
    # --- mutes and bans -------------------------------------------------------------------
    iapi(
        "PUT",
        "/communities/{slug}/members/{user_id}/sanction",
        "mute the member",
        MODERATORS,
        params=_member_param("member"),
        body=_mute_api,
    ),
    iapi(
        "PUT",
        "/communities/{slug}/members/{user_id}/sanction",
        "ban the proposer until lifted",
        MODERATORS,
        params=_member_param("proposer"),
        body=_ban_api,
    ),
    iapi(
        "PUT",
        "/communities/{slug}/members/{user_id}/sanction",
        "ban the moderator",
        MANAGERS,
        params=_member_param("moderator"),
        body=_ban_api,
    ),
    iapi(
        "PUT",
        "/communities/{slug}/members/{user_id}/sanction",
        "mute a staff member",
        NOBODY,
        params=_member_param("staff2"),
        body=_mute_api,
    ),
    iapi(
        "PUT",
        "/communities/{slug}/members/{user_id}/sanction",
        "mute the owner",
        NOBODY,
        params=_member_param("owner"),
        body=_mute_api,
    ),
    iapi(
        "PUT",
        "/communities/{slug}/members/{user_id}/sanction",
        "not in pub",
        NOBODY,
        params=_member_param("applicant"),
        body=_mute_api,
    ),
    iapi(
        "PUT",
        "/communities/{slug}/members/{user_id}/sanction",
        "another community",
        SITE_STAFF,
        params=_member_param("applicant", "other"),
        body=_mute_api,
    ),
    iapi(
        "DELETE",
        "/communities/{slug}/members/{user_id}/sanction/{kind}",
        "lift the mute",
        MODERATORS,
        params=_member_param("muted", kind="mute"),
    ),
    iapi(
        "DELETE",
        "/communities/{slug}/members/{user_id}/sanction/{kind}",
        "lift the ban",
        MODERATORS,
        params=_member_param("banned", kind="ban"),
    ),
    # --- hidden content on the routes of ideas and the dialogue -------------------------
    iapi("GET", "/ideas/{idea_id}", "hidden", MODERATORS, params=_idea_param("hidden_idea")),
    iapi(
        "GET", "/ideas/{idea_id}/history", "hidden", MODERATORS, params=_idea_param("hidden_idea")
    ),
    iapi(
        "GET", "/ideas/{idea_id}/versions", "hidden", MODERATORS, params=_idea_param("hidden_idea")
    ),
    iapi(
        "GET", "/ideas/{idea_id}/comments", "hidden", MODERATORS, params=_idea_param("hidden_idea")
    ),
    iapi(
        "PATCH",
        "/ideas/{idea_id}",
        "hidden (its author too)",
        NOBODY,
        params=_idea_param("hidden_idea"),
        body=lambda s: {"title": "Lamp coupons", "body": "Now even cheaper, rewritten."},
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/comments",
        "hidden",
        NOBODY,
        params=_idea_param("hidden_idea"),
        body=_new_comment,
    ),
    iapi(
        "GET",
        "/comments/{comment_id}",
        "hidden (a placeholder)",
        EVERYONE,
        params=_comment_param("hidden_comment"),
    ),
    iapi(
        "GET",
        "/comments/{comment_id}",
        "on a hidden idea",
        MODERATORS,
        params=_comment_param("hidden_idea_comment"),
    ),
    iapi(
        "GET",
        "/comments/{comment_id}/versions",
        "on a hidden idea",
        MODERATORS,
        params=_comment_param("hidden_idea_comment"),
    ),
    iapi(
        "GET",
        "/comments/{comment_id}/versions",
        "hidden",
        NOBODY,
        params=_comment_param("hidden_comment"),
    ),
    iapi(
        "PATCH",
        "/comments/{comment_id}",
        "hidden (its author too)",
        NOBODY,
        params=_comment_param("hidden_comment"),
        body=lambda s: {"body": "Fine, no links."},
    ),
    iapi(
        "POST",
        "/comments/{comment_id}/reactions",
        "hidden",
        NOBODY,
        params=_comment_param("hidden_comment"),
        body=lambda s: {"kind": "heart"},
    ),
    # --- mutes and bans on the routes of ideas and the dialogue --------------------------
    iapi(
        "POST",
        "/ideas/{idea_id}/comments",
        "muted actor",
        SITE_STAFF,
        params=_idea_param("idea"),
        setup=muted_actor,
        body=_new_comment,
    ),
    iapi(
        "POST",
        "/comments/{comment_id}/reactions",
        "muted actor",
        SITE_STAFF,
        params=_comment_param("comment"),
        setup=muted_actor,
        body=lambda s: {"kind": "heart"},
    ),
    iapi(
        "POST",
        "/challenges/{challenge_id}/ideas",
        "muted actor",
        SITE_STAFF,
        params=_challenge_param("box"),
        setup=muted_actor,
        body=lambda s: NEW_IDEA,
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/support",
        "muted actor (may still support)",
        NOT_IDEA_AUTHOR,
        params=_idea_param("idea"),
        setup=muted_actor,
        body=lambda s: {},
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/support",
        "banned actor",
        SITE_STAFF,
        params=_idea_param("idea"),
        setup=banned_actor,
        body=lambda s: {},
    ),
]

MODERATION_GRID: list[Case] = PAGES + API
