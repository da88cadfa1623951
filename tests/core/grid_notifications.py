"""Grid rows for notifications, follows and notification settings (pages and API).

Everything here is personal: every signed-in user may read and mark read their own
notifications, change their own settings and follow what they can see (a private
community, its challenges and ideas only for its members and site staff; a draft
challenge only for pub's managers; an idea hidden by moderators only for pub's
moderators). Unfollowing needs no sight of the target. Following needs a confirmed
email address (rows "unconfirmed email address"), so nobody can have digests sent to
an address they do not own. Marking someone else's notification read or unfollowing
someone else's follow changes nothing (the page answers as usual, the API with 404).
Following what one may not see is a 404, as for what does not exist.

The one-click unsubscribe link works for everyone, signed in or not: the signed
token is the credential (the page is csrf-exempt; a GET only shows the button). A
tampered, forged or otherwise-signed token is refused with 404 for everyone.

Setups give the actor (and staff2, as "someone else") an unread notification or a
follow, so an allowed write always has something to change.
"""

from __future__ import annotations

from typing import Any

from cocreate.accounts.actions import confirmation_token
from cocreate.accounts.models import User
from cocreate.core.models import Event
from cocreate.notifications.actions import unsubscribe_token
from cocreate.notifications.models import Follow, Kind, Notification
from tests.core.grid_data import (
    EVERYONE,
    MANAGERS,
    NOBODY,
    SIGNED_IN,
    SITE_STAFF,
    Case,
    Scenario,
    api,
    page,
    unconfirmed_actor,
)
from tests.core.grid_ideas import _w, iapi, ipage

# Moderators of pub (and site staff) see the idea moderators hid.
MODERATORS = frozenset({"moderator", "staff", "owner", "site_staff"})


# --- setups ------------------------------------------------------------------------------------


def _notify(s: Scenario, user: User) -> Notification:
    """An unread notification for `user`: with the world, of the proposer's reply on
    `idea` (so the list shows a real line and link); without, of a new challenge."""
    about: dict[str, Any] = {}
    kind = Kind.CHALLENGE_PUBLISHED
    if s.world is not None:
        w = _w(s)
        about = {"challenge": w.challenge, "idea": w.idea, "comment": w.reply}
        kind = Kind.COMMENT
    event = Event.objects.create(kind="grid.something", actor=s.proposer, community=s.pub)
    return Notification.objects.create(
        user=user, event=event, kind=kind, actor=s.proposer, community=s.pub, **about
    )


def unread_notifications(s: Scenario) -> None:
    """The actor (when signed in) and staff2 each have one unread notification."""
    if s.actor is not None:
        _notify(s, s.actor)
    _notify(s, s.staff2)


def _own_notification(s: Scenario) -> int:
    user = s.actor or s.staff2
    return Notification.objects.filter(user=user).values_list("pk", flat=True).get()


def _foreign_notification(s: Scenario) -> int:
    return Notification.objects.filter(user=s.staff2).values_list("pk", flat=True).get()


def pub_followed(s: Scenario) -> None:
    """The actor (when signed in) and staff2 follow pub."""
    if s.actor is not None:
        Follow.objects.create(user=s.actor, community=s.pub)
    Follow.objects.create(user=s.staff2, community=s.pub)


def _own_follow(s: Scenario) -> int:
    user = s.actor or s.staff2
    return Follow.objects.filter(user=user).values_list("pk", flat=True).get()


def _foreign_follow(s: Scenario) -> int:
    return Follow.objects.filter(user=s.staff2).values_list("pk", flat=True).get()


def follows_everything(s: Scenario) -> None:
    """The actor follows pub, the challenge, the member's idea (automatically) and
    the proposer."""
    if s.actor is None:
        return
    w = _w(s)
    Follow.objects.bulk_create(
        [
            Follow(user=s.actor, community=s.pub),
            Follow(user=s.actor, challenge=w.challenge),
            Follow(user=s.actor, idea=w.idea, automatic=True),
            Follow(user=s.actor, person=s.proposer),
        ]
    )


def actor_follows_priv_idea(s: Scenario) -> None:
    """The actor follows the private community's idea (as one who could see it once,
    and has since left): unfollowing needs no sight of it."""
    if s.actor is not None:
        Follow.objects.create(user=s.actor, idea=_w(s).priv_idea)


def staff2_deactivated(s: Scenario) -> None:
    User.objects.filter(pk=s.staff2.pk).update(is_active=False)


# --- tokens ------------------------------------------------------------------------------------


def _token(s: Scenario) -> list[Any]:
    """The member's unsubscribe link (whoever clicks it: the token is the credential)."""
    return [unsubscribe_token(s.user("member"))]


def _tampered(s: Scenario) -> list[Any]:
    token = unsubscribe_token(s.user("member"))
    return [token[:-1] + ("A" if token[-1] != "A" else "B")]


def _forged(s: Scenario) -> list[Any]:
    """The proposer's payload under the member's timestamp and signature."""
    mine = unsubscribe_token(s.user("member")).split(":")
    theirs = unsubscribe_token(s.proposer).split(":")
    return [":".join([theirs[0], *mine[1:]])]


def _other_salt(s: Scenario) -> list[Any]:
    """An email confirmation token: validly signed, but not for unsubscribing."""
    return [confirmation_token(s.newbie)]


def _staff2_token(s: Scenario) -> list[Any]:
    return [unsubscribe_token(s.staff2)]


# --- form data and bodies ----------------------------------------------------------------------


def _settings_form(s: Scenario) -> dict[str, Any]:
    return {
        "email_mode": "weekly",
        "digest_time": "07:15",
        "digest_weekday": "2",
        "timezone": "Asia/Shanghai",
        "muted_kinds": ["comment", "milestone"],
    }


def _settings_body(s: Scenario) -> dict[str, Any]:
    return {
        "email_mode": "each",
        "digest_time": "21:00",
        "digest_weekday": 4,
        "timezone": "Europe/Berlin",
        "muted_kinds": ["reply"],
    }


def _follow(kind: str, target: Any) -> Any:
    """Page form data: follow (or, when followed, unfollow) `target(s)`."""
    return lambda s: {"kind": kind, "id": target(s).pk, "next": f"/c/{s.pub.slug}/"}


def _idea_of(attr: str) -> Any:
    return lambda s: getattr(_w(s), attr)


def _self(s: Scenario) -> Any:
    return s.actor or s.proposer


# --- pages -------------------------------------------------------------------------------------

PAGES: list[Case] = [
    page("notifications:list", "GET", "own (none yet)", SIGNED_IN),
    ipage("notifications:list", "GET", "own, one unread", SIGNED_IN, setup=unread_notifications),
    page("notifications:badge", "GET", "own unread count", SIGNED_IN, setup=unread_notifications),
    page(
        "notifications:read",
        "POST",
        "own notification",
        SIGNED_IN,
        setup=unread_notifications,
        data=lambda s: {"id": [_own_notification(s)]},
    ),
    page(
        "notifications:read",
        "POST",
        "all own",
        SIGNED_IN,
        setup=unread_notifications,
        data=lambda s: {"all": "1"},
    ),
    page(
        "notifications:read",
        "POST",
        "someone else's (nothing marked)",
        SIGNED_IN,
        setup=unread_notifications,
        data=lambda s: {"id": [_foreign_notification(s)]},
        noop=SIGNED_IN,
    ),
    page("notifications:unsubscribe", "GET", "member's link", EVERYONE, args=_token),
    page("notifications:unsubscribe", "POST", "member's link", EVERYONE, args=_token),
    page("notifications:unsubscribe", "GET", "tampered link", NOBODY, args=_tampered),
    page("notifications:unsubscribe", "POST", "tampered link", NOBODY, args=_tampered),
    page(
        "notifications:unsubscribe",
        "POST",
        "another member's payload, member's signature",
        NOBODY,
        args=_forged,
    ),
    page(
        "notifications:unsubscribe",
        "POST",
        "an email confirmation token",
        NOBODY,
        args=_other_salt,
    ),
    page(
        "notifications:unsubscribe",
        "POST",
        "deactivated account's link",
        NOBODY,
        args=_staff2_token,
        setup=staff2_deactivated,
    ),
    page("notifications:settings", "GET", "own", SIGNED_IN),
    page("notifications:settings", "POST", "own", SIGNED_IN, data=_settings_form),
    page(
        "notifications:follow",
        "POST",
        "public community",
        SIGNED_IN,
        data=_follow("community", lambda s: s.pub),
    ),
    page(
        "notifications:follow",
        "POST",
        "public community, followed (unfollows)",
        SIGNED_IN,
        setup=pub_followed,
        data=_follow("community", lambda s: s.pub),
    ),
    page(
        "notifications:follow",
        "POST",
        "public community, unconfirmed email address",
        NOBODY,
        setup=unconfirmed_actor,
        data=_follow("community", lambda s: s.pub),
    ),
    page(
        "notifications:follow",
        "POST",
        "private community",
        SITE_STAFF,
        data=_follow("community", lambda s: s.priv),
    ),
    page(
        "notifications:follow",
        "POST",
        "proposed circle",
        MANAGERS,
        data=_follow("community", lambda s: s.proposed),
    ),
    ipage(
        "notifications:follow",
        "POST",
        "published challenge",
        SIGNED_IN,
        data=_follow("challenge", _idea_of("challenge")),
    ),
    ipage(
        "notifications:follow",
        "POST",
        "draft challenge",
        MANAGERS,
        data=_follow("challenge", _idea_of("draft")),
    ),
    ipage(
        "notifications:follow",
        "POST",
        "private community's challenge",
        SITE_STAFF,
        data=_follow("challenge", _idea_of("priv_challenge")),
    ),
    ipage(
        "notifications:follow",
        "POST",
        "member's idea",
        SIGNED_IN,
        data=_follow("idea", _idea_of("idea")),
    ),
    ipage(
        "notifications:follow",
        "POST",
        "hidden idea",
        MODERATORS,
        data=_follow("idea", _idea_of("hidden_idea")),
    ),
    ipage(
        "notifications:follow",
        "POST",
        "private community's idea",
        SITE_STAFF,
        data=_follow("idea", _idea_of("priv_idea")),
    ),
    ipage(
        "notifications:follow",
        "POST",
        "private community's idea, followed (unfollows)",
        SIGNED_IN,
        setup=actor_follows_priv_idea,
        data=_follow("idea", _idea_of("priv_idea")),
    ),
    page(
        "notifications:follow",
        "POST",
        "a person",
        SIGNED_IN,
        data=_follow("person", lambda s: s.proposer),
    ),
    page("notifications:follow", "POST", "oneself", NOBODY, data=_follow("person", _self)),
    page(
        "notifications:follow",
        "POST",
        "not a followable kind",
        NOBODY,
        data=lambda s: {"kind": "membership", "id": s.pub.pk},
    ),
    page("notifications:follows", "GET", "own (none yet)", SIGNED_IN),
    ipage("notifications:follows", "GET", "own, one of each", SIGNED_IN, setup=follows_everything),
]

# --- API ---------------------------------------------------------------------------------------

API: list[Case] = [
    api("GET", "/notifications", "own (none yet)", SIGNED_IN),
    iapi("GET", "/notifications", "own, one unread", SIGNED_IN, setup=unread_notifications),
    iapi(
        "GET",
        "/notifications",
        "own unread only",
        SIGNED_IN,
        setup=unread_notifications,
        query=lambda s: {"unread": "true"},
    ),
    api(
        "POST",
        "/notifications/read",
        "own notification",
        SIGNED_IN,
        setup=unread_notifications,
        body=lambda s: {"ids": [_own_notification(s)]},
    ),
    api(
        "POST",
        "/notifications/read",
        "all own",
        SIGNED_IN,
        setup=unread_notifications,
        body=lambda s: {"all": True},
    ),
    api(
        "POST",
        "/notifications/read",
        "someone else's (nothing marked)",
        SIGNED_IN,
        setup=unread_notifications,
        body=lambda s: {"ids": [_foreign_notification(s)]},
        noop=SIGNED_IN,
    ),
    api("GET", "/follows", "own", SIGNED_IN, setup=pub_followed),
    api(
        "POST",
        "/follows",
        "public community",
        SIGNED_IN,
        body=lambda s: {"community": s.pub.slug},
    ),
    api(
        "POST",
        "/follows",
        "public community, unconfirmed email address",
        NOBODY,
        setup=unconfirmed_actor,
        body=lambda s: {"community": s.pub.slug},
    ),
    iapi(
        "POST",
        "/follows",
        "published challenge",
        SIGNED_IN,
        body=lambda s: {"challenge": _w(s).challenge.pk},
    ),
    iapi(
        "POST",
        "/follows",
        "member's idea",
        SIGNED_IN,
        body=lambda s: {"idea": _w(s).idea.pk},
    ),
    api("POST", "/follows", "a person", SIGNED_IN, body=lambda s: {"person": s.proposer.pk}),
    api(
        "DELETE",
        "/follows/{follow_id}",
        "own",
        SIGNED_IN,
        setup=pub_followed,
        params=lambda s: {"follow_id": _own_follow(s)},
    ),
    api(
        "DELETE",
        "/follows/{follow_id}",
        "someone else's",
        NOBODY,
        setup=pub_followed,
        params=lambda s: {"follow_id": _foreign_follow(s)},
    ),
    api("GET", "/me/notification-settings", "own", SIGNED_IN),
    api("PUT", "/me/notification-settings", "own", SIGNED_IN, body=_settings_body),
]

# Following what one may not see through the API: 404, as for an id that exists nowhere.
FOLLOW_UNSEEN_API: list[Case] = [
    api(
        "POST",
        "/follows",
        "private community",
        SITE_STAFF,
        body=lambda s: {"community": s.priv.slug},
    ),
    iapi(
        "POST",
        "/follows",
        "private community's challenge",
        SITE_STAFF,
        body=lambda s: {"challenge": _w(s).priv_challenge.pk},
    ),
    iapi(
        "POST",
        "/follows",
        "draft challenge",
        MANAGERS,
        body=lambda s: {"challenge": _w(s).draft.pk},
    ),
    iapi(
        "POST",
        "/follows",
        "hidden idea",
        MODERATORS,
        body=lambda s: {"idea": _w(s).hidden_idea.pk},
    ),
    iapi(
        "POST",
        "/follows",
        "private community's idea",
        SITE_STAFF,
        body=lambda s: {"idea": _w(s).priv_idea.pk},
    ),
]

NOTIFICATION_GRID: list[Case] = PAGES + API

NOTIFICATION_GRID += FOLLOW_UNSEEN_API
