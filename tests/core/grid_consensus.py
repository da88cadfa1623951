"""Grid rows for conversations (pages and API).

The `talks` setup gives pub and the private community one open, pre-moderated
conversation each, started by staff2, with three accepted seed statements and one
member's statement waiting for review. Reading follows the community's
visibility (everyone for pub; only site staff, who manage everything, for priv).
Voting and adding statements: pub's members and site staff. Starting, editing,
exporting and importing: MANAGERS. Moderating statements: MANAGERS and pub's
moderator. Turning a challenge's top ideas into a conversation needs the ideas
world (its lamp challenge has three listed ideas).
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from cocreate.consensus.models import Conversation, ModerationMode, Statement, StatementStatus
from tests.core.grid_data import (
    EVERYONE,
    MANAGERS,
    MEMBERS,
    SIGNED_IN,
    SITE_STAFF,
    Case,
    Scenario,
    api,
    page,
)
from tests.core.grid_ideas import _w

VOTERS = MEMBERS | SITE_STAFF
MODERATORS = MANAGERS | {"moderator"}


def talks(s: Scenario) -> None:
    for place in ("pub", "priv"):
        talk = Conversation.objects.create(
            community=getattr(s, place),
            title=f"grid talk {place}",
            moderation=ModerationMode.PRE,
            created_by=s.staff2,
            statement_count=3,
        )
        Statement.objects.bulk_create(
            [
                Statement(conversation=talk, body=f"Seed {i} of {place}", is_seed=True)
                for i in range(3)
            ]
            + [
                Statement(
                    conversation=talk,
                    body=f"Waiting in {place}",
                    author=s.proposer,
                    status=StatementStatus.PENDING,
                )
            ]
        )


def _talk(place: str) -> Any:
    return lambda s: [Conversation.objects.get(title=f"grid talk {place}").pk]


def _talk_param(place: str) -> Any:
    return lambda s: {"conversation_id": Conversation.objects.get(title=f"grid talk {place}").pk}


def _seed(s: Scenario) -> int:
    return Statement.objects.get(body="Seed 0 of pub").pk


def _pending(place: str) -> Any:
    return lambda s: [Statement.objects.get(body=f"Waiting in {place}").pk]


def _pending_param(place: str) -> Any:
    return lambda s: {"statement_id": Statement.objects.get(body=f"Waiting in {place}").pk}


def _slug(attr: str) -> Any:
    return lambda s: [getattr(s, attr).slug]


def _slug_param(attr: str) -> Any:
    return lambda s: {"slug": getattr(s, attr).slug}


def _new_form(s: Scenario) -> dict[str, Any]:
    return {
        "title": "Where next?",
        "moderation": "post",
        "allow_statements": "on",
        "statements": "North.\nSouth.",
    }


def _settings_form(s: Scenario) -> dict[str, Any]:
    return {"title": "Renamed", "moderation": "pre", "allow_statements": "on", "status": "open"}


def _uploads(s: Scenario) -> dict[str, Any]:
    comments = (
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
        "1,x,0,0,1,0,1,Lamps first\n1,x,1,0,0,1,1,Chairs first\n"
    )
    votes = "timestamp,datetime,comment-id,voter-id,vote\n2,x,0,1,1\n3,x,1,1,-1\n4,x,0,2,-1\n"
    return {
        "comments": SimpleUploadedFile("comments.csv", comments.encode(), "text/csv"),
        "votes": SimpleUploadedFile("votes.csv", votes.encode(), "text/csv"),
        "title": "Imported",
    }


def cpage(*args: Any, **kwargs: Any) -> Case:
    return page(*args, setup=kwargs.pop("setup", talks), **kwargs)


def capi(*args: Any, **kwargs: Any) -> Case:
    return api(*args, setup=kwargs.pop("setup", talks), **kwargs)


CONSENSUS_GRID: list[Case] = [
    # pages
    cpage("consensus:list", "GET", "public community", EVERYONE, args=_slug("pub")),
    cpage("consensus:list", "GET", "private community", SITE_STAFF, args=_slug("priv")),
    cpage("consensus:new", "GET", "public community", MANAGERS, args=_slug("pub")),
    cpage("consensus:new", "POST", "public community", MANAGERS, args=_slug("pub"), data=_new_form),
    cpage("consensus:import", "GET", "public community", MANAGERS, args=_slug("pub")),
    cpage("consensus:detail", "GET", "public community", EVERYONE, args=_talk("pub")),
    cpage("consensus:detail", "GET", "private community", SITE_STAFF, args=_talk("priv")),
    cpage(
        "consensus:vote",
        "POST",
        "public community, a seed",
        VOTERS,
        args=_talk("pub"),
        data=lambda s: {"statement": _seed(s), "vote": "1"},
    ),
    cpage(
        "consensus:add",
        "POST",
        "public community",
        VOTERS,
        args=_talk("pub"),
        data=lambda s: {"body": "Lamps that dim themselves."},
    ),
    cpage("consensus:report", "GET", "public community", EVERYONE, args=_talk("pub")),
    cpage("consensus:report", "GET", "private community", SITE_STAFF, args=_talk("priv")),
    cpage("consensus:manage", "GET", "public community", MODERATORS, args=_talk("pub")),
    cpage(
        "consensus:manage",
        "POST",
        "public community, settings",
        MANAGERS,
        args=_talk("pub"),
        data=_settings_form,
    ),
    cpage("consensus:export", "GET", "public community", MANAGERS, args=_talk("pub")),
    cpage(
        "consensus:moderate",
        "POST",
        "public community, accept the pending statement",
        MODERATORS,
        args=_pending("pub"),
        data=lambda s: {"do": "accept"},
    ),
    cpage(
        "consensus:moderate",
        "POST",
        "private community, accept the pending statement",
        SITE_STAFF,
        args=_pending("priv"),
        data=lambda s: {"do": "accept"},
    ),
    cpage(
        "consensus:from_ideas",
        "POST",
        "the lamp challenge",
        MANAGERS,
        args=lambda s: [_w(s).challenge.pk],
        data=lambda s: {"count": "2"},
        world=True,
    ),
    # API
    capi("GET", "/communities/{slug}/conversations", "pub", EVERYONE, params=_slug_param("pub")),
    capi(
        "GET", "/communities/{slug}/conversations", "priv", SITE_STAFF, params=_slug_param("priv")
    ),
    capi(
        "POST",
        "/communities/{slug}/conversations",
        "pub",
        MANAGERS,
        params=_slug_param("pub"),
        body=lambda s: {"title": "Where next?", "statements": ["North.", "South."]},
    ),
    capi(
        "POST",
        "/communities/{slug}/conversations/import",
        "pub",
        MANAGERS,
        params=_slug_param("pub"),
        body=_uploads,
        multipart=True,
    ),
    capi(
        "POST",
        "/challenges/{challenge_id}/conversation",
        "the lamp challenge",
        MANAGERS,
        params=lambda s: {"challenge_id": _w(s).challenge.pk},
        body=lambda s: {"count": 2},
        world=True,
    ),
    capi("GET", "/conversations/{conversation_id}", "pub", EVERYONE, params=_talk_param("pub")),
    capi("GET", "/conversations/{conversation_id}", "priv", SITE_STAFF, params=_talk_param("priv")),
    capi(
        "PATCH",
        "/conversations/{conversation_id}",
        "pub",
        MANAGERS,
        params=_talk_param("pub"),
        body=lambda s: {"title": "Renamed"},
    ),
    capi(
        "GET",
        "/conversations/{conversation_id}/statements",
        "pub",
        EVERYONE,
        params=_talk_param("pub"),
    ),
    capi(
        "POST",
        "/conversations/{conversation_id}/statements",
        "pub",
        VOTERS,
        params=_talk_param("pub"),
        body=lambda s: {"body": "Lamps that dim themselves."},
    ),
    capi(
        "PATCH",
        "/statements/{statement_id}",
        "pub, the pending statement",
        MODERATORS,
        params=_pending_param("pub"),
        body=lambda s: {"status": "accepted"},
    ),
    capi(
        "PATCH",
        "/statements/{statement_id}",
        "priv, the pending statement",
        SITE_STAFF,
        params=_pending_param("priv"),
        body=lambda s: {"status": "accepted"},
    ),
    capi(
        "GET", "/conversations/{conversation_id}/next", "pub", SIGNED_IN, params=_talk_param("pub")
    ),
    capi(
        "POST",
        "/conversations/{conversation_id}/votes",
        "pub, a seed",
        VOTERS,
        params=_talk_param("pub"),
        body=lambda s: {"statement": _seed(s), "vote": -1},
    ),
    capi(
        "POST",
        "/conversations/{conversation_id}/votes",
        "priv, a seed",
        SITE_STAFF,
        params=_talk_param("priv"),
        body=lambda s: {"statement": Statement.objects.get(body="Seed 0 of priv").pk, "vote": 1},
    ),
    capi(
        "GET",
        "/conversations/{conversation_id}/votes/mine",
        "pub",
        SIGNED_IN,
        params=_talk_param("pub"),
    ),
    capi(
        "GET", "/conversations/{conversation_id}/report", "pub", EVERYONE, params=_talk_param("pub")
    ),
    capi(
        "GET",
        "/conversations/{conversation_id}/report",
        "priv",
        SITE_STAFF,
        params=_talk_param("priv"),
    ),
    capi(
        "GET", "/conversations/{conversation_id}/export", "pub", MANAGERS, params=_talk_param("pub")
    ),
]
