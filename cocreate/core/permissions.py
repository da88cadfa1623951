"""The one permission module: `can(user, verb, obj)` answers every "may this person
do this?" question from roles and the object's state. Deny unless a rule allows.

Rules are named predicates in RULES; actions call `require`, pages and the API
call `can` to decide what to show. A test walks every verb for every role.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cocreate.core.errors import Forbidden


def _membership(user: Any, community: Any) -> tuple[str, Any, Any] | None:
    """(role, muted_until, banned_until) of the user in a community, one query per
    community, memoised on the user object for the request."""
    if user is None or not user.is_authenticated or community is None:
        return None
    cache: dict[int, tuple[str, Any, Any] | None] = user.__dict__.setdefault("_cocreate_roles", {})
    if community.pk not in cache:
        from cocreate.communities.models import Membership

        cache[community.pk] = (
            Membership.objects.filter(community=community, user=user)
            .values_list("role", "muted_until", "banned_until")
            .first()
        )
    return cache[community.pk]


def role_in(user: Any, community: Any) -> str | None:
    """The user's role in a community (memoised per request)."""
    row = _membership(user, community)
    return row[0] if row else None


def _sanctioned(user: Any, community: Any, index: int) -> bool:
    from django.utils import timezone

    row = _membership(user, community)
    until: Any = row[index] if row else None
    return until is not None and until > timezone.now()


def is_banned(user: Any, community: Any) -> bool:
    return _sanctioned(user, community, 2)


def is_muted(user: Any, community: Any) -> bool:
    """Muted members read and support but do not write (ideas, comments, flags)."""
    return _sanctioned(user, community, 1) or is_banned(user, community)


def forget_roles(user: Any) -> None:
    if user is not None:
        user.__dict__.pop("_cocreate_roles", None)


def is_site_staff(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)


def is_member(user: Any, community: Any) -> bool:
    return role_in(user, community) is not None


def manages(user: Any, community: Any) -> bool:
    """Owner or staff of the community (for a circle: of the circle or its parent),
    or site staff."""
    from cocreate.communities.models import MANAGING_ROLES

    if is_site_staff(user):
        return True
    if role_in(user, community) in MANAGING_ROLES:
        return True
    parent = getattr(community, "parent", None)
    return parent is not None and role_in(user, parent) in MANAGING_ROLES


def _active(user: Any) -> bool:
    """Signed in, not disabled, and with a confirmed email address."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.email_confirmed_at is not None
    )


def _can_view(user: Any, community: Any) -> bool:
    from cocreate.communities.models import CircleStatus, Visibility

    if community.parent_id is not None:
        parent = community.parent
        if not _can_view(user, parent):
            return False
        if community.circle_status != CircleStatus.ACTIVE:
            return manages(user, parent) or (_active(user) and community.created_by_id == user.pk)
    if community.visibility == Visibility.PUBLIC:
        return True
    return manages(user, community) or is_member(user, community)


def _can_join(user: Any, community: Any) -> bool:
    from cocreate.communities.models import CircleStatus, JoinPolicy

    if not _active(user) or is_member(user, community) or not _can_view(user, community):
        return False
    if community.parent_id is not None:
        if community.circle_status != CircleStatus.ACTIVE:
            return False
        if not is_member(user, community.parent):
            return False
    return community.join_policy == JoinPolicy.OPEN


def _can_apply(user: Any, community: Any) -> bool:
    from cocreate.communities.models import JoinPolicy

    if not _active(user) or is_member(user, community) or not _can_view(user, community):
        return False
    if community.parent_id is not None and not is_member(user, community.parent):
        return False
    return community.join_policy == JoinPolicy.APPLICATION


def _can_leave(user: Any, community: Any) -> bool:
    from cocreate.communities.models import Membership, Role

    role = role_in(user, community)
    if role is None:
        return False
    if role == Role.OWNER:
        # The last owner cannot leave: a community always has someone in charge.
        return Membership.objects.filter(community=community, role=Role.OWNER).count() > 1
    return True


def _can_change_role(user: Any, membership: Any) -> bool:
    """Owners (and site staff) set any role; staff manage roles below staff."""
    from cocreate.communities.models import MANAGING_ROLES, Role

    community = membership.community
    if is_site_staff(user) or role_in(user, community) == Role.OWNER:
        return True
    if community.parent_id is not None and role_in(user, community.parent) == Role.OWNER:
        return True
    return manages(user, community) and membership.role not in MANAGING_ROLES


def _can_grant(user: Any, change: tuple[Any, str]) -> bool:
    """May `user` give `membership` this role? Managing roles are the owners' to grant."""
    from cocreate.communities.models import MANAGING_ROLES, Role

    membership, role = change
    if not _can_change_role(user, membership):
        return False
    if role not in MANAGING_ROLES:
        return True
    community = membership.community
    return (
        is_site_staff(user)
        or role_in(user, community) == Role.OWNER
        or (community.parent_id is not None and role_in(user, community.parent) == Role.OWNER)
    )


def _can_remove(user: Any, membership: Any) -> bool:
    if _active(user) and membership.user_id == user.pk:
        return False  # leaving is its own verb
    return _can_change_role(user, membership)


def _can_propose_circle(user: Any, community: Any) -> bool:
    return (
        community.parent_id is None
        and _active(user)
        and (is_member(user, community) or manages(user, community))
    )


def _can_decide_application(user: Any, application: Any) -> bool:
    return manages(user, application.community)


# --- challenges and ideas ------------------------------------------------------------


def _can_view_challenge(user: Any, challenge: Any) -> bool:
    if not _can_view(user, challenge.community):
        return False
    return bool(challenge.is_published or manages(user, challenge.community))


def _authors(idea: Any) -> set[int]:
    """The author and accepted co-authors, memoised on the idea."""
    if "_cocreate_authors" not in idea.__dict__:
        ids = set(idea.coauthors.filter(status="accepted").values_list("user_id", flat=True))
        if idea.author_id:
            ids.add(idea.author_id)
        idea.__dict__["_cocreate_authors"] = ids
    return idea.__dict__["_cocreate_authors"]


def is_author(user: Any, idea: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.pk in _authors(idea))


def _takes_part(user: Any, community: Any) -> bool:
    """Confirmed, active, a member and not banned (site staff may act anywhere)."""
    if not _active(user):
        return False
    return is_site_staff(user) or (is_member(user, community) and not is_banned(user, community))


def moderates(user: Any, community: Any) -> bool:
    """Moderators, staff and owners (and site staff) review flagged content."""
    from cocreate.communities.models import Role

    return manages(user, community) or role_in(user, community) == Role.MODERATOR


def _can_view_idea(user: Any, idea: Any) -> bool:
    """Hidden and removed ideas are seen only by the community's moderators."""
    if not _can_view_challenge(user, idea.challenge):
        return False
    return idea.moderation == "visible" or moderates(user, idea.challenge.community)


def _can_submit(user: Any, challenge: Any) -> bool:
    return (
        _takes_part(user, challenge.community)
        and not is_muted(user, challenge.community)
        and challenge.is_published
        and challenge.allows("submit")
    )


def _can_edit_idea(user: Any, idea: Any) -> bool:
    from cocreate.ideas.models import OPEN_STAGES

    return (
        _active(user)
        and is_author(user, idea)
        and idea.stage in OPEN_STAGES
        and idea.challenge.allows("edit")
    )


def _can_support(user: Any, idea: Any) -> bool:
    from cocreate.ideas.models import OPEN_STAGES

    return (
        _takes_part(user, idea.challenge.community)
        and idea.moderation == "visible"
        and not is_author(user, idea)
        and idea.stage in OPEN_STAGES
        and idea.challenge.allows("support")
    )


def _can_withdraw_support(user: Any, idea: Any) -> bool:
    """While an idea collects support; whether this person supports it is the action's
    question (a 409 when not)."""
    from cocreate.ideas.models import OPEN_STAGES

    return (
        _active(user)
        and _can_view_challenge(user, idea.challenge)
        and idea.stage in OPEN_STAGES
        and idea.challenge.allows("support")
    )


def _can_invite_coauthor(user: Any, idea: Any) -> bool:
    from cocreate.ideas.models import OPEN_STAGES

    return _active(user) and idea.author_id == user.pk and idea.stage in OPEN_STAGES


# --- dialogue ---------------------------------------------------------------------------


def _open_for_comments(target: Any) -> bool:
    """A challenge, or an idea, whose discussion is open (the phase table's "comment";
    expired and merged ideas are closed)."""
    from cocreate.ideas.models import CLOSED_STAGES

    challenge = getattr(target, "challenge", target)
    if getattr(target, "stage", None) in CLOSED_STAGES:
        return False
    return bool(challenge.is_published and challenge.allows("comment"))


def _discussed(target: Any) -> Any:
    """An update's discussion is part of its idea's: the idea's rules apply."""
    from cocreate.dialogue.models import IdeaUpdate

    return target.idea if isinstance(target, IdeaUpdate) else target


def _can_comment(user: Any, target: Any) -> bool:
    target = _discussed(target)
    challenge = getattr(target, "challenge", target)
    community = challenge.community
    return (
        _takes_part(user, community)
        and not is_muted(user, community)
        and _open_for_comments(target)
        and getattr(target, "moderation", "visible") == "visible"
    )


def _can_post_update(user: Any, idea: Any) -> bool:
    """An idea's authors tell its followers how it is going, for as long as the idea
    is alive (after a decision too: that is when updates matter most)."""
    from cocreate.ideas.models import CLOSED_STAGES

    community = idea.challenge.community
    return (
        _takes_part(user, community)
        and not is_muted(user, community)
        and is_author(user, idea)
        and idea.moderation == "visible"
        and idea.stage not in CLOSED_STAGES
        and idea.challenge.is_published
    )


def speaks_officially(user: Any, community: Any) -> bool:
    """Staff, owners and employees answer on the organisation's behalf."""
    from cocreate.communities.models import Role

    return manages(user, community) or role_in(user, community) == Role.EMPLOYEE


def _comment_target(comment: Any) -> Any:
    return comment.idea if comment.idea_id else comment.challenge


def _can_edit_comment(user: Any, comment: Any) -> bool:
    return (
        _active(user)
        and comment.author_id == user.pk
        and comment.status == "visible"
        and _can_view_challenge(user, comment.challenge)
    )


def _can_flag(user: Any, target: Any) -> bool:
    """A comment or an idea, visible, by someone else."""
    from cocreate.ideas.models import Idea

    community = target.challenge.community
    if isinstance(target, Idea):
        visible, seen, own = target.moderation == "visible", target, is_author(user, target)
    else:
        seen = target.idea if target.idea_id else target.challenge
        visible, own = target.visible, target.author_id == user.pk
    return visible and can(user, "comment.view", seen) and may_flag_in(user, community) and not own


def may_flag_in(user: Any, community: Any) -> bool:
    """Who may report content in a community at all (pages show the link by this)."""
    return _takes_part(user, community) and not is_muted(user, community)


def _can_sanction(user: Any, membership: Any) -> bool:
    """Moderators mute and ban members below them; never themselves or managers."""
    from cocreate.communities.models import MANAGING_ROLES, Role

    if not _active(user) and not is_site_staff(user):
        return False
    if membership.user_id == user.pk or not moderates(user, membership.community):
        return False
    if membership.role in MANAGING_ROLES:
        return False
    return membership.role != Role.MODERATOR or manages(user, membership.community)


def _can_react(user: Any, comment: Any) -> bool:
    return comment.status == "visible" and _can_comment(user, _comment_target(comment))


def _can_accept_answer(user: Any, comment: Any) -> bool:
    """The asker (author of the thread's first comment) marks a reply by someone else."""
    root = comment.root
    return (
        root is not None
        and root.status == "visible"
        and _active(user)
        and root.author_id == user.pk
        and comment.author_id != user.pk
        and comment.status == "visible"
        and _can_view_challenge(user, comment.challenge)
    )


# --- conversations -------------------------------------------------------------------


def _can_view_conversation(user: Any, conversation: Any) -> bool:
    """As visible as what it is about: the idea, the challenge or the community."""
    if conversation.idea_id is not None:
        return _can_view_idea(user, conversation.idea)
    if conversation.challenge_id is not None:
        return _can_view_challenge(user, conversation.challenge)
    return _can_view(user, conversation.community)


def _can_start_conversation(user: Any, community: Any) -> bool:
    if not _active(user):
        return False
    if manages(user, community):
        return True
    return bool(
        community.members_start_conversations
        and _takes_part(user, community)
        and not is_muted(user, community)
    )


def _runs_conversation(user: Any, conversation: Any) -> bool:
    """Community staff, or the member who started it."""
    return _active(user) and (
        manages(user, conversation.community) or conversation.created_by_id == user.pk
    )


def _can_vote(user: Any, conversation: Any) -> bool:
    """Members vote while it is open (muted members too: voting is like supporting)."""
    return (
        conversation.status == "open"
        and _takes_part(user, conversation.community)
        and _can_view_conversation(user, conversation)
    )


def _can_add_statement(user: Any, conversation: Any) -> bool:
    community = conversation.community
    if not (conversation.status == "open" and _can_view_conversation(user, conversation)):
        return False
    if _runs_conversation(user, conversation):
        return True
    return (
        conversation.allow_statements
        and _takes_part(user, community)
        and not is_muted(user, community)
    )


RULES: dict[str, Callable[[Any, Any], bool]] = {
    # site
    "community.create": lambda user, _obj: is_site_staff(user),
    # community
    "community.view": _can_view,
    "community.edit": lambda user, c: manages(user, c),
    "community.join": _can_join,
    "community.apply": _can_apply,
    "community.leave": _can_leave,
    "community.manage_members": lambda user, c: manages(user, c),
    "community.view_audit": lambda user, c: manages(user, c),
    "charter.edit": lambda user, c: manages(user, c),
    "circle.create": lambda user, c: c.parent_id is None and manages(user, c),
    "circle.propose": _can_propose_circle,
    "circle.decide": lambda user, circle: (
        circle.parent_id is not None and manages(user, circle.parent)
    ),
    "invitation.create": lambda user, c: manages(user, c),
    "invitation.accept": lambda user, inv: (
        _active(user)
        and not is_member(user, inv.community)
        and (inv.community.parent_id is None or is_member(user, inv.community.parent))
    ),
    "application.decide": _can_decide_application,
    "membership.change_role": _can_change_role,
    "membership.grant_role": _can_grant,
    "membership.remove": _can_remove,
    # challenges
    "challenge.create": lambda user, c: c.parent_id is None and manages(user, c),
    "challenge.view": _can_view_challenge,
    "challenge.edit": lambda user, ch: manages(user, ch.community),
    "ladder.edit": lambda user, c: manages(user, c),
    # ideas
    "idea.submit": _can_submit,
    "idea.view": _can_view_idea,
    "idea.edit": _can_edit_idea,
    "idea.support": _can_support,
    "idea.withdraw_support": _can_withdraw_support,
    "idea.change_stage": lambda user, idea: manages(user, idea.challenge.community),
    "idea.invite_coauthor": _can_invite_coauthor,
    "idea.view_supporter_answers": lambda user, idea: manages(user, idea.challenge.community),
    # dialogue (target: an idea or a challenge)
    # target: an idea (its comments are as visible as the idea) or a challenge.
    "comment.view": lambda user, target: (
        _can_view_idea(user, _discussed(target))
        if hasattr(_discussed(target), "moderation")
        else _can_view_challenge(user, target)
    ),
    "comment.post": _can_comment,
    "comment.post_official": lambda user, target: (
        _can_comment(user, target)
        and speaks_officially(user, getattr(_discussed(target), "challenge", target).community)
    ),
    # idea updates (target: the idea to post on; else the update)
    "update.view": lambda user, update: _can_view_idea(user, update.idea),
    "update.post": _can_post_update,
    "update.edit": lambda user, update: (
        _active(user)
        and update.author_id == user.pk
        and not is_muted(user, update.idea.challenge.community)
        and _can_view_idea(user, update.idea)
    ),
    "update.delete": lambda user, update: (
        _can_view_idea(user, update.idea)
        and (
            (_active(user) and update.author_id == user.pk)
            or moderates(user, update.idea.challenge.community)
        )
    ),
    # Muted members may take their words back, not change them (nor mention anyone anew).
    "comment.edit": lambda user, comment: (
        _can_edit_comment(user, comment) and not is_muted(user, comment.challenge.community)
    ),
    "comment.delete": _can_edit_comment,
    "comment.react": _can_react,
    "comment.accept": _can_accept_answer,
    # moderation
    "content.flag": _can_flag,
    "content.moderate": lambda user, community: moderates(user, community),
    "member.sanction": _can_sanction,
    # conversations (target: the conversation; create and import: the community)
    "conversation.view": _can_view_conversation,
    "conversation.create": _can_start_conversation,
    "conversation.import": lambda user, community: _active(user) and manages(user, community),
    "conversation.manage": _runs_conversation,
    "conversation.export": lambda user, c: _active(user) and manages(user, c.community),
    "conversation.vote": _can_vote,
    "statement.add": _can_add_statement,
    "statement.moderate": lambda user, c: (
        _can_view_conversation(user, c)
        and (_runs_conversation(user, c) or (_active(user) and moderates(user, c.community)))
    ),
    # webhooks (target: the community)
    "webhook.manage": lambda user, community: _active(user) and manages(user, community),
}


def can(user: Any, verb: str, obj: Any = None) -> bool:
    rule = RULES.get(verb)
    if rule is None:
        raise KeyError(f"unknown permission verb {verb!r}")
    return bool(rule(user, obj))


def require(user: Any, verb: str, obj: Any = None) -> None:
    if not can(user, verb, obj):
        raise Forbidden()
