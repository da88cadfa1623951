"""Grid rows for challenges and ideas (pages and API), and the world they run in.

The world is added to the shared scenario only for these rows (`Case.world`), so the
community rows do not pay for it. Who is who, in `pub` (the role users' community):

- `challenge`: published, submission phase running now (then support, then review),
  terms v1, a supporter question, staff2 on the jury, a prize.
- `draft`: a draft challenge with a running submission phase (visible to managers only).
- `review_challenge`: published, its current phase is "review" (no submit/edit/support).
- `box`: pub's idea box (always in its submission phase, no terms).
- `priv_challenge` (in the private community) and `other_challenge` (in `other`), both
  published and accepting ideas from their own members.

Ideas: `idea` by the member in `challenge` (moderator invited as co-author, not yet
answered; supported by the proposer with an answer; remixed by the proposer);
`duplicate` by the proposer, merged into `idea` (the merge can be undone);
`staff_idea` by the staff user with the owner as accepted co-author; `expired_idea`
by the member (expired by the ladder); `review_idea` by the member in
`review_challenge` (still gathering support, but the phase is review); `box_idea` by
the proposer in the idea box; `priv_idea` in the private community.

Pictures (real files, one each): `idea_image` on `idea`, `staff_idea_image` on
`staff_idea` and `expired_image` on `expired_idea`.

Comments (tests/core/grid_dialogue.py): on `idea`, the member's `comment` (edited
once, a heart from the proposer) with two replies, the proposer's `reply` and the
staff user's `official` answer, and a `placeholder` the member deleted while it had
a reply (`orphan`, by the proposer); the member's `expired_comment` on
`expired_idea` (posted before it expired); the member's `question` on `challenge`
itself, answered by the proposer (`answer`, accepted); the proposer's
`review_comment` on `review_idea`; staff2's `priv_comment` on `priv_idea`.

Updates (tests/core/grid_updates.py): the member's `update` on `idea`, with the
proposer's `update_comment`; the owner's `coauthor_update` on `staff_idea` (as its
accepted co-author); the member's `expired_update` on `expired_idea` (posted before
it expired), `review_update` on `review_idea` and `hidden_update` on `hidden_idea`;
staff2's `priv_update` on `priv_idea`.

Moderation (tests/core/grid_moderation.py): `hidden_idea`, the member's idea in
`challenge` hidden by three flags (staff2's, the muted and the banned member's),
pending review; `hidden_comment`, the proposer's comment on `idea` hidden the same
way; `hidden_idea_comment`, the proposer's (visible) comment on `hidden_idea`; two
open flags (staff2's and the muted member's) on the proposer's `reply`, so the next
flag from a member in good standing hides it. `muted` is a member of pub muted for a
week, `banned` one banned until lifted; the audit log has both sanctions and both
automatic hidings.

Pub's pipeline has one custom stage, "prototype" (after accepted, before in progress).
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.utils import timezone

from cocreate.accounts.models import User
from cocreate.challenges.models import (
    Challenge,
    ChallengeStatus,
    JuryMember,
    Phase,
    PhaseKind,
    Prize,
    TermsVersion,
)
from cocreate.communities.models import Community, Membership
from cocreate.dialogue.models import (
    Comment,
    CommentStatus,
    CommentVersion,
    Flag,
    IdeaUpdate,
    ModerationAction,
    ModerationEntry,
    Reaction,
)
from cocreate.dialogue.moderation import FOREVER
from cocreate.ideas.models import (
    CoAuthor,
    CoAuthorStatus,
    CustomStage,
    Idea,
    IdeaImage,
    IdeaVersion,
    Merge,
    Stage,
    StageChange,
    Support,
)
from tests.accounts.conftest import image_bytes
from tests.core.grid_data import (
    EVERYONE,
    MANAGERS,
    MEMBERS,
    NOBODY,
    SIGNED_IN,
    SITE_STAFF,
    Case,
    Scenario,
    _users,
    api,
    page,
    unconfirmed_actor,
)

QUESTION = "What would you pay?"
# Who may submit ideas: confirmed members of pub, and site staff.
SUBMITTERS = MEMBERS | SITE_STAFF
AUTHOR = frozenset({"member"})  # the author of `idea`
INVITEE = frozenset({"moderator"})  # invited to co-author `idea`
STAFF_IDEA_AUTHORS = frozenset({"staff", "owner"})  # author and accepted co-author
NOT_STAFF_IDEA_AUTHORS = frozenset({"member", "moderator", "site_staff"})
NOT_IDEA_AUTHOR = frozenset({"moderator", "staff", "owner", "site_staff"})


@dataclass
class IdeaWorld:
    challenge: Challenge
    draft: Challenge
    review_challenge: Challenge
    box: Challenge
    priv_challenge: Challenge
    other_challenge: Challenge
    terms: TermsVersion
    idea: Idea
    staff_idea: Idea
    expired_idea: Idea
    review_idea: Idea
    box_idea: Idea
    priv_idea: Idea
    remix: Idea
    duplicate: Idea
    merge: Merge
    idea_image: IdeaImage
    staff_idea_image: IdeaImage
    expired_image: IdeaImage
    comment: Comment
    reply: Comment
    official: Comment
    placeholder: Comment
    orphan: Comment
    expired_comment: Comment
    question: Comment
    answer: Comment
    review_comment: Comment
    priv_comment: Comment
    hidden_idea: Idea
    hidden_comment: Comment
    hidden_idea_comment: Comment
    muted: User
    banned: User
    update: IdeaUpdate
    update_comment: Comment
    coauthor_update: IdeaUpdate
    expired_update: IdeaUpdate
    review_update: IdeaUpdate
    hidden_update: IdeaUpdate
    priv_update: IdeaUpdate


@functools.cache
def _png() -> bytes:
    return image_bytes("PNG")


def _picture(idea: Idea, by: User, alt: str) -> IdeaImage:
    """An unsaved picture whose file is already stored (and its size read from it)."""
    picture = IdeaImage(idea=idea, uploaded_by=by, alt=alt)
    name = f"{uuid.uuid4().hex}.png"
    # A named ContentFile: the field reads the width and height from it.
    picture.image.save(name, ContentFile(_png(), name=name), save=False)
    return picture


def _comment(
    on: Idea | Challenge | IdeaUpdate,
    by: User,
    body: str,
    parent: Comment | None = None,
    **kwargs: Any,
) -> Comment:
    """An unsaved comment on an idea, an idea's update or a challenge itself (a reply
    when `parent`)."""
    update = on if isinstance(on, IdeaUpdate) else None
    idea = update.idea if update else on if isinstance(on, Idea) else None
    challenge = idea.challenge if idea else on
    assert isinstance(challenge, Challenge)
    return Comment(
        community=challenge.community,
        challenge=challenge,
        idea=idea,
        update=update,
        parent=parent,
        root=(parent.root or parent) if parent else None,
        depth=parent.depth + 1 if parent else 0,
        author=by,
        body=body,
        body_html=f"<p>{body}</p>" if body else "",
        **kwargs,
    )


def _discussions(
    s: Scenario,
    idea: Idea,
    expired: Idea,
    challenge: Challenge,
    review: Idea,
    priv: Idea,
    hidden_idea: Idea,
) -> dict[str, Comment]:
    """The comments of the world (see the module docstring), in bulk: the threads'
    first comments, then the replies."""
    member, staff = s.user("member"), s.user("staff")
    (
        comment,
        placeholder,
        expired_comment,
        question,
        review_comment,
        priv_comment,
        hidden_comment,
        hidden_idea_comment,
    ) = Comment.objects.bulk_create(
        [
            _comment(
                idea,
                member,
                "Does the cork stay cool?",
                reply_count=2,
                version_count=2,
                edited_at=timezone.now(),
            ),
            _comment(idea, member, "", status=CommentStatus.DELETED, reply_count=1),
            _comment(expired, member, "Glass is heavy."),
            _comment(challenge, member, "May the lamp use a battery?", reply_count=1),
            _comment(review, s.proposer, "Does it really rock?"),
            _comment(priv, s.staff2, "Hush."),
            _comment(
                idea, s.proposer, "Cheap lamps at example.com!", status="hidden", flag_count=3
            ),
            _comment(hidden_idea, s.proposer, "Is it still for sale?"),
        ]
    )
    reply, official, orphan, answer = Comment.objects.bulk_create(
        [
            _comment(idea, s.proposer, "Yes, cork insulates.", parent=comment, flag_count=2),
            _comment(idea, staff, "We tested it: it stays cool.", parent=comment, official=True),
            _comment(idea, s.proposer, "What did you mean?", parent=placeholder),
            _comment(challenge, s.proposer, "Yes, a small one.", parent=question),
        ]
    )
    Comment.objects.filter(pk=question.pk).update(accepted_answer=answer)
    question.accepted_answer = answer
    visible = [comment, expired_comment, question, review_comment, priv_comment]
    visible += [reply, official, orphan, answer, hidden_comment, hidden_idea_comment]
    CommentVersion.objects.bulk_create(
        [
            *(CommentVersion(comment=c, number=1, body=c.body, editor=c.author) for c in visible),
            CommentVersion(comment=comment, number=2, body=comment.body, editor=member),
        ]
    )
    CommentVersion.objects.filter(comment=comment, number=1).update(body="Is cork hot?")
    Reaction.objects.create(comment=comment, user=s.proposer, kind="heart")
    for target, count in ((idea, 4), (expired, 1), (review, 1), (priv, 1), (hidden_idea, 1)):
        Idea.objects.filter(pk=target.pk).update(comment_count=count)
        target.comment_count = count
    return {
        "comment": comment,
        "reply": reply,
        "official": official,
        "placeholder": placeholder,
        "orphan": orphan,
        "expired_comment": expired_comment,
        "question": question,
        "answer": answer,
        "review_comment": review_comment,
        "priv_comment": priv_comment,
        "hidden_comment": hidden_comment,
        "hidden_idea_comment": hidden_idea_comment,
    }


def _moderation(
    s: Scenario, hidden_idea: Idea, hidden_comment: Comment, reply: Comment
) -> dict[str, User]:
    """The muted and the banned member, the open flags and the audit log (see the
    module docstring)."""
    now = timezone.now()
    muted, banned = _users("Tim Troll", "Bea Banned")
    Membership.objects.bulk_create(
        [
            Membership(
                community=s.pub,
                user=muted,
                joined_at=now - timedelta(days=60),
                muted_until=now + timedelta(days=7),
            ),
            Membership(
                community=s.pub,
                user=banned,
                joined_at=now - timedelta(days=60),
                banned_until=FOREVER,
            ),
        ]
    )
    Community.objects.filter(pk=s.pub.pk).update(member_count=F("member_count") + 2)
    flag = {"community": s.pub, "reason": "spam"}
    Flag.objects.bulk_create(
        [
            *(Flag(idea=hidden_idea, user=u, **flag) for u in (s.staff2, muted, banned)),
            *(Flag(comment=hidden_comment, user=u, **flag) for u in (s.staff2, muted, banned)),
            *(Flag(comment=reply, user=u, **flag) for u in (s.staff2, muted)),
        ]
    )
    moderator, staff = s.user("moderator"), s.user("staff")
    ModerationEntry.objects.bulk_create(
        [
            ModerationEntry(
                community=s.pub,
                action=ModerationAction.AUTO_HIDDEN,
                idea=hidden_idea,
                subject=hidden_idea.author,
            ),
            ModerationEntry(
                community=s.pub,
                action=ModerationAction.AUTO_HIDDEN,
                comment=hidden_comment,
                subject=hidden_comment.author,
            ),
            ModerationEntry(
                community=s.pub,
                action=ModerationAction.MUTED,
                actor=moderator,
                subject=muted,
                reason="Links to a shop.",
                until=now + timedelta(days=7),
            ),
            ModerationEntry(
                community=s.pub,
                action=ModerationAction.BANNED,
                actor=staff,
                subject=banned,
                reason="Threats.",
                until=FOREVER,
            ),
        ]
    )
    return {"muted": muted, "banned": banned}


def _updates(s: Scenario, **ideas: Idea) -> dict[str, Any]:
    """The updates of the world and the one comment on them (see the module
    docstring)."""
    member = s.user("member")
    plan = [
        ("update", "idea", member, "A linen shade"),
        ("coauthor_update", "staff_idea", s.user("owner"), "Folded in the factory"),
        ("expired_update", "expired_idea", member, "Lighter glass"),
        ("review_update", "review_idea", member, "Rocks less"),
        ("hidden_update", "hidden_idea", member, "More coupons"),
        ("priv_update", "priv_idea", s.staff2, "Quieter"),
    ]
    made = IdeaUpdate.objects.bulk_create(
        IdeaUpdate(
            idea=ideas[idea],
            author=by,
            title=title,
            body=f"{title}: more soon.",
            body_html=f"<p>{title}: more soon.</p>",
            comment_count=1 if name == "update" else 0,
        )
        for name, idea, by, title in plan
    )
    found: dict[str, Any] = {name: u for (name, *_rest), u in zip(plan, made, strict=True)}
    comment = _comment(found["update"], s.proposer, "Will it come in blue?")
    comment.save()
    CommentVersion.objects.create(comment=comment, number=1, body=comment.body, editor=s.proposer)
    return {**found, "update_comment": comment}


def build_world(s: Scenario) -> IdeaWorld:
    """Challenges and ideas, in bulk (built once per cell of these rows)."""
    now = timezone.now()
    day = timedelta(days=1)
    owner = s.user("owner")
    published = {"status": ChallengeStatus.PUBLISHED, "published_at": now - 30 * day}
    challenge, draft, review, box, priv, other = Challenge.objects.bulk_create(
        [
            Challenge(
                community=s.pub,
                title="A lamp for small flats",
                brief="We need **light**.",
                owner=owner,
                created_by=owner,
                supporter_questions=[QUESTION],
                idea_count=3,
                **published,
            ),
            Challenge(community=s.pub, title="Secret brief", owner=owner, created_by=owner),
            Challenge(
                community=s.pub,
                title="Chairs",
                owner=owner,
                created_by=owner,
                idea_count=1,
                **published,
            ),
            Challenge(
                community=s.pub,
                title="Idea box",
                is_idea_box=True,
                type="open_question",
                idea_count=1,
                **published,
            ),
            Challenge(community=s.priv, title="Private brief", idea_count=1, **published),
            Challenge(community=s.other, title="Other brief", **published),
        ]
    )
    running = {"starts_at": now - 5 * day, "ends_at": now + 10 * day}
    Phase.objects.bulk_create(
        [
            Phase(challenge=challenge, kind=PhaseKind.SUBMISSION, **running),
            Phase(
                challenge=challenge,
                kind=PhaseKind.SUPPORT,
                starts_at=now + 10 * day,
                ends_at=now + 20 * day,
            ),
            Phase(
                challenge=challenge,
                kind=PhaseKind.REVIEW,
                starts_at=now + 20 * day,
                ends_at=now + 30 * day,
            ),
            Phase(challenge=draft, kind=PhaseKind.SUBMISSION, **running),
            Phase(
                challenge=review,
                kind=PhaseKind.SUBMISSION,
                starts_at=now - 30 * day,
                ends_at=now - 10 * day,
            ),
            Phase(
                challenge=review,
                kind=PhaseKind.REVIEW,
                starts_at=now - 10 * day,
                ends_at=now + 10 * day,
            ),
            Phase(challenge=priv, kind=PhaseKind.SUBMISSION, **running),
            Phase(challenge=other, kind=PhaseKind.SUBMISSION, **running),
        ]
    )
    terms = TermsVersion.objects.create(
        challenge=challenge, number=1, usage="We may show it on our site.", author=owner
    )
    JuryMember.objects.create(challenge=challenge, user=s.staff2, role="Head of design")
    Prize.objects.create(challenge=challenge, title="Your lamp, produced", points=500)

    ladder = {
        "stage": Stage.GATHERING_SUPPORT,
        "ladder_target": 100,
        "deadline_at": now + 50 * day,
    }
    member, staff = s.user("member"), s.user("staff")
    idea, staff_idea, expired, review_idea, box_idea, priv_idea = Idea.objects.bulk_create(
        [
            Idea(
                challenge=challenge,
                author=member,
                title="Cork lamp",
                body="A lamp made of cork.",
                terms_version=terms,
                support_count=1,
                image_count=1,
                **ladder,
            ),
            Idea(
                challenge=challenge,
                author=staff,
                title="Paper lamp",
                body="A lamp made of paper.",
                terms_version=terms,
                image_count=1,
                **ladder,
            ),
            Idea(
                challenge=challenge,
                author=member,
                title="Glass lamp",
                body="Too heavy.",
                terms_version=terms,
                image_count=1,
                stage=Stage.EXPIRED,
                ladder_target=100,
                deadline_at=now - day,
            ),
            Idea(challenge=review, author=member, title="Rocking chair", body="Rocks.", **ladder),
            Idea(challenge=box, author=s.proposer, title="Night market", body="Monthly.", **ladder),
            Idea(challenge=priv, author=s.staff2, title="Hush", body="Secret.", **ladder),
        ]
    )
    remix, duplicate, hidden_idea = Idea.objects.bulk_create(
        [
            Idea(
                challenge=challenge,
                author=s.proposer,
                title="Remix: Cork lamp",
                body="A lamp made of cork, folding.",
                terms_version=terms,
                parent=idea,
                **ladder,
            ),
            Idea(
                challenge=challenge,
                author=s.proposer,
                title="Cork light",
                body="A light made of cork.",
                terms_version=terms,
                stage=Stage.MERGED,
                ladder_target=100,
                deadline_at=now + 50 * day,
            ),
            Idea(
                challenge=challenge,
                author=member,
                title="Lamp coupons",
                body="Half price at example.com.",
                terms_version=terms,
                moderation="hidden",
                flag_count=3,
                **ladder,
            ),
        ]
    )
    ideas = [idea, staff_idea, expired, review_idea, box_idea, priv_idea, remix, duplicate]
    ideas.append(hidden_idea)
    IdeaVersion.objects.bulk_create(
        IdeaVersion(idea=i, number=1, title=i.title, body=i.body, editor=i.author) for i in ideas
    )
    StageChange.objects.bulk_create(
        [
            *(
                StageChange(idea=i, from_stage="", to_stage=Stage.GATHERING_SUPPORT, actor=i.author)
                for i in ideas
            ),
            StageChange(
                idea=expired,
                from_stage=Stage.GATHERING_SUPPORT,
                to_stage=Stage.EXPIRED,
                reason="Reached 0 of 100 supporters by the deadline.",
                automatic=True,
            ),
            StageChange(
                idea=duplicate,
                from_stage=Stage.GATHERING_SUPPORT,
                to_stage=Stage.MERGED,
                reason="Same lamp.",
                actor=owner,
            ),
        ]
    )
    merge = Merge.objects.create(
        source=duplicate,
        target=idea,
        source_stage=Stage.GATHERING_SUPPORT,
        reason="Same lamp.",
        actor=owner,
    )
    CoAuthor.objects.bulk_create(
        [
            CoAuthor(idea=idea, user=s.user("moderator"), invited_by=member),
            CoAuthor(idea=staff_idea, user=owner, invited_by=staff, status=CoAuthorStatus.ACCEPTED),
        ]
    )
    Support.objects.create(idea=idea, user=s.proposer, answers={QUESTION: "25"})
    idea_image, staff_idea_image, expired_image = IdeaImage.objects.bulk_create(
        [
            _picture(idea, member, "A cork lamp on a shelf."),
            _picture(staff_idea, staff, ""),
            _picture(expired, member, "A glass lamp."),
        ]
    )
    CustomStage.objects.create(
        community=s.pub,
        key="prototype",
        name="Prototype testing",
        follows=[Stage.ACCEPTED],
        leads_to=[Stage.IN_PROGRESS],
    )
    comments = _discussions(s, idea, expired, challenge, review_idea, priv_idea, hidden_idea)
    moderation = _moderation(s, hidden_idea, comments["hidden_comment"], comments["reply"])
    updates = _updates(
        s,
        idea=idea,
        staff_idea=staff_idea,
        expired_idea=expired,
        review_idea=review_idea,
        hidden_idea=hidden_idea,
        priv_idea=priv_idea,
    )
    return IdeaWorld(
        challenge=challenge,
        draft=draft,
        review_challenge=review,
        box=box,
        priv_challenge=priv,
        other_challenge=other,
        terms=terms,
        idea=idea,
        staff_idea=staff_idea,
        expired_idea=expired,
        review_idea=review_idea,
        box_idea=box_idea,
        priv_idea=priv_idea,
        remix=remix,
        duplicate=duplicate,
        merge=merge,
        idea_image=idea_image,
        staff_idea_image=staff_idea_image,
        expired_image=expired_image,
        hidden_idea=hidden_idea,
        **comments,
        **moderation,
        **updates,
    )


def _w(s: Scenario) -> IdeaWorld:
    assert s.world is not None, "a row of grid_ideas.py ran without its world"
    return s.world


# --- setups ------------------------------------------------------------------------------


def actor_supports_box_idea(s: Scenario) -> None:
    """The actor supports the proposer's idea-box idea (the outsider as someone who
    supported it while a member and has since left)."""
    if s.actor is not None:
        Support.objects.create(idea=_w(s).box_idea, user=s.actor)
        Idea.objects.filter(pk=_w(s).box_idea.pk).update(support_count=1)


def actor_supports_review_idea(s: Scenario) -> None:
    """The actor supported the review-phase idea while its challenge still took
    support."""
    if s.actor is not None:
        Support.objects.create(idea=_w(s).review_idea, user=s.actor)
        Idea.objects.filter(pk=_w(s).review_idea.pk).update(support_count=1)


# --- helpers -------------------------------------------------------------------------------


def _iso(delta_days: int) -> str:
    return (timezone.now() + timedelta(days=delta_days)).isoformat()


def _form_time(delta_days: int) -> str:
    return timezone.localtime(timezone.now() + timedelta(days=delta_days)).strftime(
        "%Y-%m-%d %H:%M"
    )


def _challenge(attr: str) -> Any:
    return lambda s: [getattr(_w(s), attr).pk]


def _challenge_param(attr: str) -> Any:
    return lambda s: {"challenge_id": getattr(_w(s), attr).pk}


def _idea(attr: str) -> Any:
    return lambda s: [getattr(_w(s), attr).pk]


def _idea_param(attr: str) -> Any:
    return lambda s: {"idea_id": getattr(_w(s), attr).pk}


def _image(attr: str) -> Any:
    return lambda s: [getattr(_w(s), attr).pk]


def _image_param(idea: str, image: str) -> Any:
    return lambda s: {"idea_id": getattr(_w(s), idea).pk, "image_id": getattr(_w(s), image).pk}


def _pictures(s: Scenario) -> dict[str, Any]:
    """Upload fields: a fresh file on every call (a read file cannot be sent twice)."""
    return {
        "images": SimpleUploadedFile("lamp.png", _png(), "image/png"),
        "alt": "The lamp, lit.",
    }


def _slug_param(attr: str) -> Any:
    return lambda s: {"slug": getattr(s, attr).slug}


def _slug(attr: str) -> Any:
    return lambda s: [getattr(s, attr).slug]


def ipage(*args: Any, **kwargs: Any) -> Case:
    return page(*args, world=True, **kwargs)


def iapi(*args: Any, **kwargs: Any) -> Case:
    return api(*args, world=True, **kwargs)


NEW_IDEA = {"title": "Bamboo lamp", "body": "A lamp woven from bamboo.", "language": "en"}
EDITED = {"title": "Cork lamp", "body": "A folding cork lamp with a linen shade, rewritten."}
ALT = {"alt": "The lamp, folded flat."}


# --- pages -----------------------------------------------------------------------------------

PAGES: list[Case] = [
    # --- challenges ---------------------------------------------------------------------
    ipage("challenges:list", "GET", "public", EVERYONE, args=_slug("pub")),
    ipage("challenges:list", "GET", "private", SITE_STAFF, args=_slug("priv")),
    ipage("challenges:new", "GET", "public", MANAGERS, args=_slug("pub")),
    ipage("challenges:new", "GET", "circle of pub", NOBODY, args=_slug("circle")),
    ipage(
        "challenges:new",
        "POST",
        "draft",
        MANAGERS,
        args=_slug("pub"),
        data=lambda s: {"title": "A new brief", "type": "design", "uses_ladder": "on"},
    ),
    ipage("challenges:detail", "GET", "published", EVERYONE, args=_challenge("challenge")),
    ipage("challenges:detail", "GET", "draft", MANAGERS, args=_challenge("draft")),
    ipage("challenges:detail", "GET", "idea box", EVERYONE, args=_challenge("box")),
    ipage("challenges:detail", "GET", "in review", EVERYONE, args=_challenge("review_challenge")),
    ipage(
        "challenges:detail",
        "GET",
        "private community",
        SITE_STAFF,
        args=_challenge("priv_challenge"),
    ),
    ipage("challenges:edit", "GET", "published", MANAGERS, args=_challenge("challenge")),
    ipage("challenges:edit", "GET", "draft", MANAGERS, args=_challenge("draft")),
    ipage(
        "challenges:edit",
        "GET",
        "another community",
        SITE_STAFF,
        args=_challenge("other_challenge"),
    ),
    ipage(
        "challenges:edit",
        "POST",
        "details",
        MANAGERS,
        args=_challenge("challenge"),
        data=lambda s: {
            "section": "details",
            "title": "A lamp for tiny flats",
            "type": "design",
            "uses_ladder": "on",
            "supporter_questions": QUESTION,
        },
    ),
    ipage(
        "challenges:edit",
        "POST",
        "phases of the draft",
        MANAGERS,
        args=_challenge("draft"),
        data=lambda s: {
            "section": "phases",
            "submission_starts_at": _form_time(1),
            "submission_ends_at": _form_time(30),
        },
    ),
    ipage(
        "challenges:edit",
        "POST",
        "terms v2",
        MANAGERS,
        args=_challenge("challenge"),
        data=lambda s: {
            "section": "terms",
            "usage": "We may produce it.",
            "ip_owner": "shared",
            "minimum_age": "18",
            "text": "",
        },
    ),
    ipage(
        "challenges:edit",
        "POST",
        "jury, prizes, review windows",
        MANAGERS,
        args=_challenge("challenge"),
        data=lambda s: {
            "section": "lists",
            "jury": f"{s.user('owner').email}, Chair",
            "prizes": "A trip to the factory, 800",
            "review_windows": f"{_form_time(40)[:10]}, {_form_time(45)[:10]}",
        },
    ),
    ipage(
        "challenges:edit",
        "POST",
        "another community",
        SITE_STAFF,
        args=_challenge("other_challenge"),
        data=lambda s: {"section": "details", "title": "Taken over", "type": "design"},
    ),
    ipage("challenges:publish", "POST", "draft", MANAGERS, args=_challenge("draft")),
    ipage("challenges:decisions", "GET", "published", EVERYONE, args=_challenge("challenge")),
    ipage("challenges:decisions", "GET", "draft", MANAGERS, args=_challenge("draft")),
    # --- ideas --------------------------------------------------------------------------
    ipage("ideas:new", "GET", "submission phase", SUBMITTERS, args=_challenge("challenge")),
    ipage("ideas:new", "GET", "review phase", NOBODY, args=_challenge("review_challenge")),
    ipage("ideas:new", "GET", "draft", NOBODY, args=_challenge("draft")),
    ipage(
        "ideas:new",
        "POST",
        "accepting the terms",
        SUBMITTERS,
        args=_challenge("challenge"),
        data=lambda s: {**NEW_IDEA, "accept_terms": "on"},
    ),
    ipage(
        "ideas:new",
        "POST",
        "remix",
        SUBMITTERS,
        args=_challenge("challenge"),
        data=lambda s: {**NEW_IDEA, "accept_terms": "on", "parent": _w(s).idea.pk},
    ),
    ipage(
        "ideas:new",
        "POST",
        "idea box",
        SUBMITTERS,
        args=_challenge("box"),
        data=lambda s: NEW_IDEA,
    ),
    ipage(
        "ideas:new",
        "POST",
        "review phase",
        NOBODY,
        args=_challenge("review_challenge"),
        data=lambda s: NEW_IDEA,
    ),
    ipage(
        "ideas:new",
        "POST",
        "draft",
        NOBODY,
        args=_challenge("draft"),
        data=lambda s: NEW_IDEA,
    ),
    ipage(
        "ideas:new",
        "POST",
        "another community",
        SITE_STAFF,
        args=_challenge("other_challenge"),
        data=lambda s: NEW_IDEA,
    ),
    ipage("ideas:detail", "GET", "member's idea", EVERYONE, args=_idea("idea")),
    ipage("ideas:detail", "GET", "expired", EVERYONE, args=_idea("expired_idea")),
    ipage("ideas:detail", "GET", "private community", SITE_STAFF, args=_idea("priv_idea")),
    ipage("ideas:edit", "GET", "member's idea", AUTHOR, args=_idea("idea")),
    ipage(
        "ideas:edit",
        "POST",
        "member's idea",
        AUTHOR,
        args=_idea("idea"),
        data=lambda s: EDITED,
    ),
    ipage(
        "ideas:edit",
        "POST",
        "with an accepted co-author",
        STAFF_IDEA_AUTHORS,
        args=_idea("staff_idea"),
        data=lambda s: EDITED,
    ),
    ipage(
        "ideas:edit", "POST", "expired", NOBODY, args=_idea("expired_idea"), data=lambda s: EDITED
    ),
    ipage(
        "ideas:edit",
        "POST",
        "review phase",
        NOBODY,
        args=_idea("review_idea"),
        data=lambda s: EDITED,
    ),
    ipage("ideas:images", "POST", "member's idea", AUTHOR, args=_idea("idea"), data=_pictures),
    ipage(
        "ideas:images",
        "POST",
        "with an accepted co-author",
        STAFF_IDEA_AUTHORS,
        args=_idea("staff_idea"),
        data=_pictures,
    ),
    ipage("ideas:images", "POST", "expired", NOBODY, args=_idea("expired_idea"), data=_pictures),
    ipage(
        "ideas:images", "POST", "review phase", NOBODY, args=_idea("review_idea"), data=_pictures
    ),
    ipage(
        "ideas:image_describe",
        "POST",
        "member's idea",
        AUTHOR,
        args=_image("idea_image"),
        data=lambda s: ALT,
    ),
    ipage(
        "ideas:image_describe",
        "POST",
        "with an accepted co-author",
        STAFF_IDEA_AUTHORS,
        args=_image("staff_idea_image"),
        data=lambda s: ALT,
    ),
    ipage(
        "ideas:image_describe",
        "POST",
        "expired",
        NOBODY,
        args=_image("expired_image"),
        data=lambda s: ALT,
    ),
    ipage("ideas:image_remove", "POST", "member's idea", AUTHOR, args=_image("idea_image")),
    ipage(
        "ideas:image_remove",
        "POST",
        "with an accepted co-author",
        STAFF_IDEA_AUTHORS,
        args=_image("staff_idea_image"),
    ),
    ipage("ideas:image_remove", "POST", "expired", NOBODY, args=_image("expired_image")),
    ipage(
        "ideas:support",
        "POST",
        "staff's idea (authors cannot)",
        NOT_STAFF_IDEA_AUTHORS,
        args=_idea("staff_idea"),
        data=lambda s: {"answer_0": "40"},
    ),
    ipage("ideas:support", "POST", "member's idea", NOT_IDEA_AUTHOR, args=_idea("idea")),
    ipage("ideas:support", "POST", "expired", NOBODY, args=_idea("expired_idea")),
    ipage("ideas:support", "POST", "review phase", NOBODY, args=_idea("review_idea")),
    ipage(
        "ideas:withdraw",
        "POST",
        "own support",
        SIGNED_IN,
        args=_idea("box_idea"),
        setup=actor_supports_box_idea,
    ),
    ipage(
        "ideas:stage",
        "POST",
        "to under review",
        MANAGERS,
        args=_idea("idea"),
        data=lambda s: {"stage": "under_review", "reason": "Lots of support."},
    ),
    ipage(
        "ideas:coauthor_invite",
        "POST",
        "member's idea",
        AUTHOR,
        args=_idea("idea"),
        data=lambda s: {"email": s.proposer.email},
    ),
    ipage(
        "ideas:coauthor_invite",
        "POST",
        "expired",
        NOBODY,
        args=_idea("expired_idea"),
        data=lambda s: {"email": s.proposer.email},
    ),
    ipage(
        "ideas:coauthor_invite",
        "POST",
        "unknown email, not the author",
        NOBODY,
        args=_idea("box_idea"),
        data=lambda s: {"email": "nobody-here@grid.example.org"},
    ),
    ipage(
        "ideas:coauthor_answer",
        "POST",
        "accept",
        INVITEE,
        args=_idea("idea"),
        data=lambda s: {"accept": "1"},
    ),
    ipage(
        "ideas:similar",
        "GET",
        "published",
        EVERYONE,
        args=_challenge("challenge"),
        query=lambda s: {"title": "cork lamp", "body": "made of cork"},
    ),
    ipage(
        "ideas:similar",
        "GET",
        "draft",
        MANAGERS,
        args=_challenge("draft"),
        query=lambda s: {"title": "cork lamp", "body": "made of cork"},
    ),
    ipage(
        "ideas:merge",
        "POST",
        "remix into its parent",
        MANAGERS,
        args=_idea("remix"),
        data=lambda s: {"into": str(_w(s).idea.pk), "reason": "Same lamp."},
    ),
    ipage("ideas:merge_undo", "POST", "merge", MANAGERS, args=lambda s: [_w(s).merge.pk]),
    ipage("ideas:stages", "GET", "public", EVERYONE, args=_slug("pub")),
    ipage("ideas:stages", "GET", "private", SITE_STAFF, args=_slug("priv")),
    ipage(
        "ideas:stages",
        "POST",
        "custom stage",
        MANAGERS,
        args=_slug("pub"),
        data=lambda s: {
            "key": "user_testing",
            "name": "User testing",
            "colour": "blue",
            "follows": ["under_review"],
            "leads_to": ["accepted", "declined"],
        },
    ),
    ipage(
        "ideas:remove_stage",
        "POST",
        "custom stage",
        MANAGERS,
        args=lambda s: [s.pub.slug, "prototype"],
    ),
    ipage("ideas:versions", "GET", "member's idea", EVERYONE, args=_idea("idea")),
    ipage("ideas:versions", "GET", "private community", SITE_STAFF, args=_idea("priv_idea")),
    ipage("ideas:lineage", "GET", "remix", EVERYONE, args=_idea("remix")),
]

# --- API -----------------------------------------------------------------------------------

API: list[Case] = [
    # --- challenges ---------------------------------------------------------------------
    iapi("GET", "/communities/{slug}/challenges", "public", EVERYONE, params=_slug_param("pub")),
    iapi(
        "GET", "/communities/{slug}/challenges", "private", SITE_STAFF, params=_slug_param("priv")
    ),
    iapi(
        "POST",
        "/communities/{slug}/challenges",
        "public",
        MANAGERS,
        params=_slug_param("pub"),
        body=lambda s: {"title": "A new brief", "supporter_questions": [QUESTION]},
    ),
    iapi(
        "POST",
        "/communities/{slug}/challenges",
        "circle of pub",
        NOBODY,
        params=_slug_param("circle"),
        body=lambda s: {"title": "A new brief"},
    ),
    iapi(
        "POST",
        "/communities/{slug}/challenges",
        "another community",
        SITE_STAFF,
        params=_slug_param("other"),
        body=lambda s: {"title": "A new brief"},
    ),
    iapi(
        "GET",
        "/challenges/{challenge_id}",
        "published",
        EVERYONE,
        params=_challenge_param("challenge"),
    ),
    iapi("GET", "/challenges/{challenge_id}", "draft", MANAGERS, params=_challenge_param("draft")),
    iapi(
        "GET",
        "/challenges/{challenge_id}",
        "private community",
        SITE_STAFF,
        params=_challenge_param("priv_challenge"),
    ),
    iapi(
        "PATCH",
        "/challenges/{challenge_id}",
        "published",
        MANAGERS,
        params=_challenge_param("challenge"),
        body=lambda s: {"title": "A lamp for tiny flats"},
    ),
    iapi(
        "PATCH",
        "/challenges/{challenge_id}",
        "draft",
        MANAGERS,
        params=_challenge_param("draft"),
        body=lambda s: {"brief": "Now with a brief."},
    ),
    iapi(
        "PATCH",
        "/challenges/{challenge_id}",
        "another community",
        SITE_STAFF,
        params=_challenge_param("other_challenge"),
        body=lambda s: {"title": "Taken over"},
    ),
    iapi(
        "PUT",
        "/challenges/{challenge_id}/phases",
        "draft",
        MANAGERS,
        params=_challenge_param("draft"),
        body=lambda s: [{"kind": "submission", "starts_at": _iso(1), "ends_at": _iso(30)}],
    ),
    iapi(
        "POST",
        "/challenges/{challenge_id}/terms",
        "v2",
        MANAGERS,
        params=_challenge_param("challenge"),
        body=lambda s: {"usage": "We may produce it.", "ip_owner": "shared"},
    ),
    iapi(
        "PUT",
        "/challenges/{challenge_id}/jury",
        "published",
        MANAGERS,
        params=_challenge_param("challenge"),
        body=lambda s: [{"user_id": s.user("owner").pk, "role": "Chair"}],
    ),
    iapi(
        "PUT",
        "/challenges/{challenge_id}/prizes",
        "published",
        MANAGERS,
        params=_challenge_param("challenge"),
        body=lambda s: [{"title": "A trip to the factory", "points": 800}],
    ),
    iapi(
        "PUT",
        "/challenges/{challenge_id}/review-windows",
        "published",
        MANAGERS,
        params=_challenge_param("challenge"),
        body=lambda s: [{"cutoff_at": _iso(40), "review_at": _iso(45)}],
    ),
    iapi(
        "POST",
        "/challenges/{challenge_id}/publish",
        "draft",
        MANAGERS,
        params=_challenge_param("draft"),
    ),
    iapi(
        "GET",
        "/challenges/{challenge_id}/decisions",
        "published",
        EVERYONE,
        params=_challenge_param("challenge"),
    ),
    iapi(
        "GET",
        "/challenges/{challenge_id}/decisions",
        "draft",
        MANAGERS,
        params=_challenge_param("draft"),
    ),
    iapi("GET", "/communities/{slug}/ladder", "public", EVERYONE, params=_slug_param("pub")),
    iapi("GET", "/communities/{slug}/ladder", "private", SITE_STAFF, params=_slug_param("priv")),
    iapi(
        "PUT",
        "/communities/{slug}/ladder",
        "public",
        MANAGERS,
        params=_slug_param("pub"),
        body=lambda s: {"steps": [{"threshold": 10, "days": 30}, {"threshold": 50, "days": 60}]},
    ),
    iapi(
        "PUT",
        "/communities/{slug}/ladder",
        "another community",
        SITE_STAFF,
        params=_slug_param("other"),
        body=lambda s: {"steps": [{"threshold": 10, "days": 30}]},
    ),
    iapi("GET", "/communities/{slug}/stages", "public", EVERYONE, params=_slug_param("pub")),
    iapi("GET", "/communities/{slug}/stages", "private", SITE_STAFF, params=_slug_param("priv")),
    iapi(
        "POST",
        "/communities/{slug}/stages",
        "public",
        MANAGERS,
        params=_slug_param("pub"),
        body=lambda s: {
            "key": "user_testing",
            "name": "User testing",
            "follows": ["under_review"],
            "leads_to": ["accepted", "declined"],
        },
    ),
    iapi(
        "POST",
        "/communities/{slug}/stages",
        "another community",
        SITE_STAFF,
        params=_slug_param("other"),
        body=lambda s: {"key": "user_testing", "name": "User testing", "follows": ["accepted"]},
    ),
    iapi(
        "DELETE",
        "/communities/{slug}/stages/{key}",
        "custom stage",
        MANAGERS,
        params=lambda s: {"slug": s.pub.slug, "key": "prototype"},
    ),
    # --- ideas --------------------------------------------------------------------------
    iapi(
        "GET",
        "/challenges/{challenge_id}/ideas",
        "published",
        EVERYONE,
        params=_challenge_param("challenge"),
    ),
    iapi(
        "GET",
        "/challenges/{challenge_id}/ideas",
        "draft",
        MANAGERS,
        params=_challenge_param("draft"),
    ),
    iapi(
        "POST",
        "/challenges/{challenge_id}/ideas",
        "accepting the terms",
        SUBMITTERS,
        params=_challenge_param("challenge"),
        body=lambda s: {**NEW_IDEA, "accept_terms": True},
    ),
    iapi(
        "POST",
        "/challenges/{challenge_id}/ideas",
        "remix",
        SUBMITTERS,
        params=_challenge_param("challenge"),
        body=lambda s: {**NEW_IDEA, "accept_terms": True, "parent": _w(s).idea.pk},
    ),
    iapi(
        "POST",
        "/challenges/{challenge_id}/ideas",
        "idea box",
        SUBMITTERS,
        params=_challenge_param("box"),
        body=lambda s: NEW_IDEA,
    ),
    iapi(
        "POST",
        "/challenges/{challenge_id}/ideas",
        "unconfirmed email address",
        NOBODY,
        params=_challenge_param("challenge"),
        setup=unconfirmed_actor,
        body=lambda s: {**NEW_IDEA, "accept_terms": True},
    ),
    iapi(
        "POST",
        "/challenges/{challenge_id}/ideas",
        "review phase",
        NOBODY,
        params=_challenge_param("review_challenge"),
        body=lambda s: NEW_IDEA,
    ),
    iapi(
        "POST",
        "/challenges/{challenge_id}/ideas",
        "draft",
        NOBODY,
        params=_challenge_param("draft"),
        body=lambda s: NEW_IDEA,
    ),
    iapi(
        "POST",
        "/challenges/{challenge_id}/ideas",
        "private community",
        SITE_STAFF,
        params=_challenge_param("priv_challenge"),
        body=lambda s: NEW_IDEA,
    ),
    iapi("GET", "/ideas/{idea_id}", "member's idea", EVERYONE, params=_idea_param("idea")),
    iapi(
        "GET", "/ideas/{idea_id}", "private community", SITE_STAFF, params=_idea_param("priv_idea")
    ),
    iapi(
        "PATCH",
        "/ideas/{idea_id}",
        "member's idea",
        AUTHOR,
        params=_idea_param("idea"),
        body=lambda s: EDITED,
    ),
    iapi(
        "PATCH",
        "/ideas/{idea_id}",
        "with an accepted co-author",
        STAFF_IDEA_AUTHORS,
        params=_idea_param("staff_idea"),
        body=lambda s: EDITED,
    ),
    iapi(
        "PATCH",
        "/ideas/{idea_id}",
        "expired",
        NOBODY,
        params=_idea_param("expired_idea"),
        body=lambda s: EDITED,
    ),
    iapi(
        "PATCH",
        "/ideas/{idea_id}",
        "review phase",
        NOBODY,
        params=_idea_param("review_idea"),
        body=lambda s: EDITED,
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/images",
        "member's idea",
        AUTHOR,
        params=_idea_param("idea"),
        body=_pictures,
        multipart=True,
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/images",
        "with an accepted co-author",
        STAFF_IDEA_AUTHORS,
        params=_idea_param("staff_idea"),
        body=_pictures,
        multipart=True,
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/images",
        "expired",
        NOBODY,
        params=_idea_param("expired_idea"),
        body=_pictures,
        multipart=True,
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/images",
        "review phase",
        NOBODY,
        params=_idea_param("review_idea"),
        body=_pictures,
        multipart=True,
    ),
    iapi(
        "PATCH",
        "/ideas/{idea_id}/images/{image_id}",
        "member's idea",
        AUTHOR,
        params=_image_param("idea", "idea_image"),
        body=lambda s: ALT,
    ),
    iapi(
        "PATCH",
        "/ideas/{idea_id}/images/{image_id}",
        "with an accepted co-author",
        STAFF_IDEA_AUTHORS,
        params=_image_param("staff_idea", "staff_idea_image"),
        body=lambda s: ALT,
    ),
    iapi(
        "PATCH",
        "/ideas/{idea_id}/images/{image_id}",
        "expired",
        NOBODY,
        params=_image_param("expired_idea", "expired_image"),
        body=lambda s: ALT,
    ),
    iapi(
        "PATCH",
        "/ideas/{idea_id}/images/{image_id}",
        "another idea's picture",
        NOBODY,
        params=_image_param("idea", "staff_idea_image"),
        body=lambda s: ALT,
    ),
    iapi(
        "DELETE",
        "/ideas/{idea_id}/images/{image_id}",
        "member's idea",
        AUTHOR,
        params=_image_param("idea", "idea_image"),
    ),
    iapi(
        "DELETE",
        "/ideas/{idea_id}/images/{image_id}",
        "with an accepted co-author",
        STAFF_IDEA_AUTHORS,
        params=_image_param("staff_idea", "staff_idea_image"),
    ),
    iapi(
        "DELETE",
        "/ideas/{idea_id}/images/{image_id}",
        "expired",
        NOBODY,
        params=_image_param("expired_idea", "expired_image"),
    ),
    iapi(
        "DELETE",
        "/ideas/{idea_id}/images/{image_id}",
        "another idea's picture",
        NOBODY,
        params=_image_param("idea", "staff_idea_image"),
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/support",
        "staff's idea (authors cannot)",
        NOT_STAFF_IDEA_AUTHORS,
        params=_idea_param("staff_idea"),
        body=lambda s: {"answers": {QUESTION: "40"}},
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/support",
        "member's idea",
        NOT_IDEA_AUTHOR,
        params=_idea_param("idea"),
        body=lambda s: {},
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/support",
        "idea box",
        SUBMITTERS,
        params=_idea_param("box_idea"),
        body=lambda s: {},
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/support",
        "expired",
        NOBODY,
        params=_idea_param("expired_idea"),
        body=lambda s: {},
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/support",
        "review phase",
        NOBODY,
        params=_idea_param("review_idea"),
        body=lambda s: {},
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/support",
        "private community",
        SITE_STAFF,
        params=_idea_param("priv_idea"),
        body=lambda s: {},
    ),
    iapi(
        "DELETE",
        "/ideas/{idea_id}/support",
        "own support",
        SIGNED_IN,
        params=_idea_param("box_idea"),
        setup=actor_supports_box_idea,
    ),
    iapi(
        "DELETE",
        "/ideas/{idea_id}/support",
        "own support, review phase",
        NOBODY,
        params=_idea_param("review_idea"),
        setup=actor_supports_review_idea,
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/stage",
        "to under review",
        MANAGERS,
        params=_idea_param("idea"),
        body=lambda s: {"stage": "under_review", "reason": "Lots of support."},
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/stage",
        "private community",
        SITE_STAFF,
        params=_idea_param("priv_idea"),
        body=lambda s: {"stage": "declined", "reason": "Out of scope."},
    ),
    iapi(
        "GET", "/ideas/{idea_id}/history", "expired", EVERYONE, params=_idea_param("expired_idea")
    ),
    iapi(
        "GET",
        "/ideas/{idea_id}/history",
        "private community",
        SITE_STAFF,
        params=_idea_param("priv_idea"),
    ),
    iapi("GET", "/ideas/{idea_id}/versions", "member's idea", EVERYONE, params=_idea_param("idea")),
    iapi("GET", "/ideas/{idea_id}/lineage", "remix", EVERYONE, params=_idea_param("remix")),
    iapi(
        "GET", "/ideas/{idea_id}/coauthors", "member's idea", EVERYONE, params=_idea_param("idea")
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/coauthors",
        "member's idea",
        AUTHOR,
        params=_idea_param("idea"),
        body=lambda s: {"user_id": s.proposer.pk},
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/coauthors",
        "staff's idea (co-authors cannot invite)",
        frozenset({"staff"}),
        params=_idea_param("staff_idea"),
        body=lambda s: {"user_id": s.proposer.pk},
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/coauthors/answer",
        "accept",
        INVITEE,
        params=_idea_param("idea"),
        body=lambda s: {"accept": True},
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/coauthors/answer",
        "decline",
        INVITEE,
        params=_idea_param("idea"),
        body=lambda s: {"accept": False},
    ),
    iapi(
        "GET",
        "/ideas/similar",
        "published",
        EVERYONE,
        query=lambda s: {"challenge": _w(s).challenge.pk, "text": "a cork lamp"},
    ),
    iapi(
        "GET",
        "/ideas/similar",
        "draft",
        MANAGERS,
        query=lambda s: {"challenge": _w(s).draft.pk, "text": "a cork lamp"},
    ),
    iapi(
        "POST",
        "/ideas/{idea_id}/merge",
        "remix into its parent",
        MANAGERS,
        params=_idea_param("remix"),
        body=lambda s: {"into": _w(s).idea.pk, "reason": "Same lamp."},
    ),
    iapi("GET", "/ideas/{idea_id}/merges", "target", EVERYONE, params=_idea_param("idea")),
    iapi(
        "POST",
        "/merges/{merge_id}/undo",
        "merge",
        MANAGERS,
        params=lambda s: {"merge_id": _w(s).merge.pk},
    ),
    iapi(
        "GET",
        "/ideas/{idea_id}/supporter-answers",
        "member's idea",
        MANAGERS,
        params=_idea_param("idea"),
    ),
]

IDEA_GRID: list[Case] = PAGES + API
