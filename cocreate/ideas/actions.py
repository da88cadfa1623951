"""Every write to ideas: submission (with terms and remixes), edits as versions,
co-authors, supports on the ladder, stage changes with reasons, and the scheduled
expiry and review queue."""

from __future__ import annotations

import difflib
import math
import re
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreate.accounts.models import User
from cocreate.challenges.models import Challenge, ReviewWindow
from cocreate.communities.models import Membership
from cocreate.core import events
from cocreate.core.errors import Conflict, Forbidden, Invalid, NotFound
from cocreate.core.images import clean_image
from cocreate.core.markdown import render
from cocreate.core.permissions import can, is_author, require
from cocreate.core.validation import clean_text
from cocreate.ideas import ladder
from cocreate.ideas.models import (
    REASON_REQUIRED,
    CoAuthor,
    CoAuthorStatus,
    CustomStage,
    Idea,
    IdeaImage,
    IdeaVersion,
    Merge,
    Stage,
    StageChange,
    StageColour,
    Support,
    SupportLadder,
    ladder_steps,
    stage_flow,
    stage_labels,
)

LANGUAGES = {code for code, _label in settings.LANGUAGES}
MATERIAL_CHANGE = 0.8  # an edit whose text is less than 80% similar is a material change
MAX_IMAGES = 6
IMAGE_MAX_SIDE = 1600


def _tags(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.replace("，", ",").split(",")
    tags: list[str] = []
    for raw in value or []:
        tag = " ".join(str(raw).split()).lower()[:30]
        if tag and tag not in tags:
            tags.append(tag)
    if len(tags) > 8:
        raise Invalid(fields={"tags": _("At most 8 tags.")})
    return tags


def _language(value: Any) -> str:
    value = str(value or "en")
    if value not in LANGUAGES:
        raise Invalid(fields={"language": _("Choose English or 简体中文.")})
    return value


def hot_score(supports: int, created_at: datetime) -> float:
    """'Hot' ranking (docs/ranking.md): log10 of the supports plus the submission
    time in units of 12.5 hours, so ten times the support outweighs 12.5 hours of
    age. Stored on the idea, so the sort is an index scan."""
    return math.log10(max(supports, 1)) + created_at.timestamp() / 45_000


def _record_stage(
    idea: Idea,
    to_stage: str,
    *,
    actor: Any = None,
    reason: str = "",
    automatic: bool = False,
    code: str = "",
    params: dict[str, Any] | None = None,
) -> StageChange:
    change = StageChange.objects.create(
        idea=idea,
        from_stage=idea.stage,
        to_stage=to_stage,
        reason=reason,
        automatic=automatic,
        code=code,
        params=params or {},
        actor=actor if actor is not None and actor.is_authenticated else None,
    )
    events.record(
        "idea.stage_changed",
        actor=actor,
        community=idea.challenge.community,
        target=idea,
        old=change.from_stage,
        new=to_stage,
        reason=change.reason_text,
        automatic=automatic,
    )
    return change


# --- submission and edits ----------------------------------------------------------------


def submit_idea(
    actor: Any,
    challenge: Challenge,
    *,
    title: str,
    body: str,
    tags: Any = None,
    language: str = "en",
    accept_terms: bool = False,
    parent: Idea | None = None,
    resubmission_of: Idea | None = None,
    images: Any = None,
) -> Idea:
    require(actor, "idea.submit", challenge)
    title = clean_text(title, "title", max_length=160, required=True)
    body = clean_text(body, "body", max_length=50_000, required=True)
    tags = _tags(tags)
    language = _language(language)
    terms = challenge.current_terms()
    if terms is not None and not accept_terms:
        raise Invalid(fields={"accept_terms": _("Accept the terms of this challenge to submit.")})
    for related, field in ((parent, "parent"), (resubmission_of, "resubmission_of")):
        if related is not None and not can(actor, "idea.view", related):
            raise Invalid(fields={field: _("That idea does not exist.")})
    if resubmission_of is not None and (
        resubmission_of.author_id != actor.pk or resubmission_of.stage != Stage.EXPIRED
    ):
        raise Invalid(fields={"resubmission_of": _("Only an expired idea of yours.")})
    files = _clean_images(images, room=MAX_IMAGES)
    now = timezone.now()
    stage = Stage.GATHERING_SUPPORT if challenge.uses_ladder else Stage.SUBMITTED
    idea = Idea(
        challenge=challenge,
        author=actor,
        title=title,
        body=body,
        body_html=str(render(body)),
        tags=tags,
        language=language,
        stage=stage,
        parent=parent,
        resubmission_of=resubmission_of,
        terms_version=terms,
        hot_score=hot_score(0, now),
    )
    if challenge.uses_ladder:
        start = ladder.start(ladder.parse(ladder_steps(challenge.community)), now)
        idea.ladder_target, idea.deadline_at = start.target, start.deadline
    with transaction.atomic():
        idea.save()
        IdeaVersion.objects.create(
            idea=idea, number=1, title=title, body=body, tags=tags, editor=actor
        )
        Challenge.objects.filter(pk=challenge.pk).update(idea_count=F("idea_count") + 1)
        StageChange.objects.create(idea=idea, from_stage="", to_stage=stage, actor=actor)
        if files:
            _store_images(actor, idea, files)
            idea.image_count = len(files)
        events.record(
            "idea.submitted",
            actor=actor,
            community=challenge.community,
            target=idea,
            challenge_id=challenge.pk,
            parent_id=parent.pk if parent else None,
        )
        if parent is not None:
            events.record(
                "idea.remixed",
                actor=actor,
                community=challenge.community,
                target=parent,
                remix_id=idea.pk,
            )
    return idea


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def edit_idea(
    actor: Any, idea: Idea, *, title: str | None = None, body: str | None = None, tags: Any = None
) -> Idea:
    """Every edit is a new version. A material change (title, or text less than 80%
    alike) is recorded so supporters can be told."""
    require(actor, "idea.edit", idea)
    new_title = clean_text(
        idea.title if title is None else title, "title", max_length=160, required=True
    )
    new_body = clean_text(
        idea.body if body is None else body, "body", max_length=50_000, required=True
    )
    new_tags = idea.tags if tags is None else _tags(tags)
    if (new_title, new_body, new_tags) == (idea.title, idea.body, idea.tags):
        raise Invalid(fields={"body": _("Nothing changed.")})
    material = new_title != idea.title or _similarity(idea.body, new_body) < MATERIAL_CHANGE
    with transaction.atomic():
        locked = Idea.objects.select_for_update().get(pk=idea.pk)
        number = locked.version_count + 1
        IdeaVersion.objects.create(
            idea=idea,
            number=number,
            title=new_title,
            body=new_body,
            tags=new_tags,
            material=material,
            editor=actor,
        )
        Idea.objects.filter(pk=idea.pk).update(
            title=new_title,
            body=new_body,
            body_html=str(render(new_body)),
            tags=new_tags,
            version_count=number,
            updated_at=timezone.now(),
        )
        events.record(
            "idea.edited",
            actor=actor,
            community=idea.challenge.community,
            target=idea,
            version=number,
            material=material,
        )
    idea.refresh_from_db()
    return idea


# --- images --------------------------------------------------------------------------------


def _clean_images(uploads: Any, *, room: int) -> list[Any]:
    """Check and re-encode every upload before anything is written, so one bad
    file refuses the whole request."""
    uploads = [u for u in (uploads or []) if u]
    if len(uploads) > room:
        raise Invalid(
            fields={
                "images": _("An idea has at most %(max)d pictures; %(room)d more fit.")
                % {"max": MAX_IMAGES, "room": room}
            }
        )
    return [clean_image(u, field="images", max_side=IMAGE_MAX_SIDE, photo=True) for u in uploads]


def _store_images(actor: Any, idea: Idea, files: list[Any], alt: str = "") -> list[IdeaImage]:
    """Inside the caller's transaction. The slot count is claimed by a conditional
    F() update, so concurrent uploads can never pass six."""
    claimed = Idea.objects.filter(pk=idea.pk, image_count__lte=MAX_IMAGES - len(files)).update(
        image_count=F("image_count") + len(files)
    )
    if not claimed:
        raise Invalid(
            fields={"images": _("An idea has at most %(max)d pictures.") % {"max": MAX_IMAGES}}
        )
    stored: list[IdeaImage] = []
    try:
        for file in files:
            image = IdeaImage(idea=idea, alt=alt, uploaded_by=actor)
            image.image.save(file.name, file, save=False)
            stored.append(image)
            image.save()
    except BaseException:
        for image in stored:  # a rolled-back row must not leave its file behind
            image.image.delete(save=False)
        raise
    return stored


def add_images(actor: Any, idea: Idea, uploads: Any, *, alt: str = "") -> list[IdeaImage]:
    require(actor, "idea.edit", idea)
    alt = clean_text(alt, "alt", max_length=200)
    files = _clean_images(uploads, room=MAX_IMAGES - idea.image_count)
    if not files:
        raise Invalid(fields={"images": _("Choose a picture to upload.")})
    with transaction.atomic():
        stored = _store_images(actor, idea, files, alt)
        events.record(
            "idea.images_added",
            actor=actor,
            community=idea.challenge.community,
            target=idea,
            images=[image.pk for image in stored],
        )
    idea.refresh_from_db(fields=["image_count"])
    return stored


def describe_image(actor: Any, image: IdeaImage, *, alt: str) -> IdeaImage:
    require(actor, "idea.edit", image.idea)
    image.alt = clean_text(alt, "alt", max_length=200)
    with transaction.atomic():
        image.save(update_fields=["alt"])
        events.record(
            "idea.image_described",
            actor=actor,
            community=image.idea.challenge.community,
            target=image.idea,
            image=image.pk,
        )
    return image


def remove_image(actor: Any, image: IdeaImage) -> None:
    idea = image.idea
    require(actor, "idea.edit", idea)
    name = image.image.name
    storage = image.image.storage
    with transaction.atomic():
        deleted, _rows = IdeaImage.objects.filter(pk=image.pk).delete()
        if not deleted:
            raise NotFound(_("That picture was already removed."))
        Idea.objects.filter(pk=idea.pk).update(image_count=F("image_count") - 1)
        events.record(
            "idea.image_removed", actor=actor, community=idea.challenge.community, target=idea
        )
        # The file goes only once the row is gone for good.
        transaction.on_commit(lambda: storage.delete(name))
    idea.refresh_from_db(fields=["image_count"])


# --- co-authors --------------------------------------------------------------------------


def invite_coauthor(actor: Any, idea: Idea, user: User) -> CoAuthor:
    require(actor, "idea.invite_coauthor", idea)
    if user.pk == idea.author_id:
        raise Invalid(fields={"user_id": _("The author is already credited.")})
    if not Membership.objects.filter(community=idea.challenge.community, user=user).exists():
        raise Invalid(fields={"user_id": _("Co-authors must be members of the community.")})
    try:
        with transaction.atomic():
            coauthor = CoAuthor.objects.create(idea=idea, user=user, invited_by=actor)
            events.record(
                "idea.coauthor_invited",
                actor=actor,
                community=idea.challenge.community,
                target=idea,
                user_id=user.pk,
            )
    except IntegrityError as exc:
        raise Conflict(_("%(name)s is already invited.") % {"name": user}) from exc
    return coauthor


def answer_coauthorship(actor: Any, idea: Idea, *, accept: bool) -> CoAuthor | None:
    invitation = CoAuthor.objects.filter(
        idea=idea, user=actor, status=CoAuthorStatus.INVITED
    ).first()
    if invitation is None:
        raise NotFound(_("You have no invitation to co-author this idea."))
    with transaction.atomic():
        if accept:
            # Same lock as support(): nobody becomes a co-author while their support
            # is being added, so a co-author never stays a supporter.
            locked = Idea.objects.select_for_update().get(pk=idea.pk)
            updated = CoAuthor.objects.filter(
                pk=invitation.pk, status=CoAuthorStatus.INVITED
            ).update(status=CoAuthorStatus.ACCEPTED)
            if not updated:
                raise Conflict(_("This invitation has already been answered."))
            # A co-author cannot also be a supporter of their own idea.
            removed, _rows = Support.objects.filter(idea=idea, user=actor).delete()
            if removed:
                Idea.objects.filter(pk=idea.pk).update(
                    support_count=F("support_count") - 1,
                    hot_score=hot_score(locked.support_count - 1, locked.created_at),
                )
        else:
            CoAuthor.objects.filter(pk=invitation.pk).delete()
        events.record(
            "idea.coauthor_answered",
            actor=actor,
            community=idea.challenge.community,
            target=idea,
            accepted=accept,
        )
    idea.__dict__.pop("_cocreate_authors", None)
    if not accept:
        return None
    invitation.refresh_from_db()
    return invitation


# --- support and the ladder ----------------------------------------------------------------


def _clean_answers(challenge: Challenge, answers: Any) -> dict[str, str]:
    questions = challenge.supporter_questions or []
    answers = answers or {}
    if not isinstance(answers, dict):
        raise Invalid(fields={"answers": _("Answers are a mapping of question to answer.")})
    cleaned = {}
    for question in questions:
        value = str(answers.get(question, "") or "").strip()
        if len(value) > 200:
            raise Invalid(fields={"answers": _("At most 200 characters per answer.")})
        if value:
            cleaned[question] = value
    return cleaned


def support(actor: Any, idea: Idea, *, answers: Any = None) -> Support:
    require(actor, "idea.support", idea)
    cleaned = _clean_answers(idea.challenge, answers)
    now = timezone.now()
    with transaction.atomic():
        # The idea row lock orders concurrent supports, so the ladder sees each count once.
        locked = Idea.objects.select_for_update().get(pk=idea.pk)
        if locked.stage not in (Stage.SUBMITTED, Stage.GATHERING_SUPPORT):
            raise Conflict(_("This idea no longer collects support."))
        if is_author(actor, locked):  # checked again under the lock (co-authorships)
            raise Forbidden(_("Authors cannot support their own idea."))
        try:
            with transaction.atomic():
                row = Support.objects.create(idea=idea, user=actor, answers=cleaned)
        except IntegrityError as exc:
            raise Conflict(_("You already support this idea.")) from exc
        Idea.objects.filter(pk=idea.pk).update(support_count=F("support_count") + 1)
        locked.refresh_from_db(fields=["support_count"])
        Idea.objects.filter(pk=idea.pk).update(
            hot_score=hot_score(locked.support_count, locked.created_at)
        )
        events.record(
            "idea.supported",
            actor=actor,
            community=idea.challenge.community,
            target=idea,
            count=locked.support_count,
        )
        if idea.challenge.uses_ladder:
            _climb(locked, now)
    idea.refresh_from_db()
    return row


def _climb(idea: Idea, now: datetime) -> None:
    steps = ladder.parse(ladder_steps(idea.challenge.community))
    before = ladder.Position(
        level=idea.ladder_level,
        target=idea.ladder_target,
        deadline=idea.deadline_at,
        complete=idea.ladder_completed_at is not None,
    )
    after = ladder.climb(steps, before, idea.support_count, now)
    if after == before:
        return
    fields: dict[str, Any] = {
        "ladder_level": after.level,
        "ladder_target": after.target,
        "deadline_at": after.deadline,
    }
    if after.complete:
        # Queue for the next review window whose cut-off has not passed.
        window = (
            ReviewWindow.objects.filter(challenge=idea.challenge, cutoff_at__gte=now)
            .order_by("cutoff_at")
            .first()
        )
        fields.update(ladder_completed_at=now, review_window=window)
        if idea.challenge.response_days:
            fields["response_due_at"] = now + timedelta(days=idea.challenge.response_days)
    Idea.objects.filter(pk=idea.pk).update(**fields)
    for level in range(before.level, after.level):
        events.record(
            "idea.milestone_reached",
            community=idea.challenge.community,
            target=idea,
            threshold=steps[level].threshold,
            level=level + 1,
            complete=level + 1 == len(steps),
        )


def withdraw_support(actor: Any, idea: Idea) -> None:
    require(actor, "idea.withdraw_support", idea)
    with transaction.atomic():
        locked = Idea.objects.select_for_update().get(pk=idea.pk)
        if locked.stage not in (Stage.SUBMITTED, Stage.GATHERING_SUPPORT):
            raise Conflict(_("This idea no longer collects support."))
        deleted, _rows = Support.objects.filter(idea=idea, user=actor).delete()
        if not deleted:
            raise Conflict(_("You do not support this idea."))
        Idea.objects.filter(pk=idea.pk).update(support_count=F("support_count") - 1)
        Idea.objects.filter(pk=idea.pk).update(
            hot_score=hot_score(locked.support_count - 1, locked.created_at)
        )
        events.record(
            "idea.support_withdrawn", actor=actor, community=idea.challenge.community, target=idea
        )
    idea.refresh_from_db()


def set_ladder(actor: Any, community: Any, steps: Any) -> SupportLadder:
    require(actor, "ladder.edit", community)
    try:
        parsed = ladder.parse(steps)
    except ValueError as exc:
        raise Invalid(fields={"steps": str(exc)}) from exc
    clean = [{"threshold": s.threshold, "days": s.days} for s in parsed]
    with transaction.atomic():
        row, _created = SupportLadder.objects.update_or_create(
            community=community, defaults={"steps": clean}
        )
        events.record("ladder.set", actor=actor, community=community, target=row, steps=clean)
    return row


# --- stages --------------------------------------------------------------------------------


def _evidence(actor: Any, idea: Idea, conversation: Any) -> Any:
    """A conversation of the idea's community, visible to the decider, whose
    report backs the decision."""
    from cocreate.consensus.models import Conversation

    if conversation in (None, ""):
        return None
    if not isinstance(conversation, Conversation):
        try:
            conversation = Conversation.objects.select_related(
                "community", "challenge", "idea"
            ).get(pk=int(conversation))
        except (TypeError, ValueError, Conversation.DoesNotExist):
            conversation = None
    if (
        conversation is None
        or conversation.community_id != idea.challenge.community_id
        or not can(actor, "conversation.view", conversation)
    ):
        raise Invalid(fields={"conversation": _("Choose a conversation of this community.")})
    return conversation


def change_stage(
    actor: Any, idea: Idea, *, stage: str, reason: str = "", conversation: Any = None
) -> StageChange:
    """`conversation` attaches a conversation's report to the public reason."""
    require(actor, "idea.change_stage", idea)
    flow = stage_flow(idea.challenge.community)
    if stage not in flow:
        raise Invalid(fields={"stage": _("Unknown stage.")})
    reason = clean_text(reason, "reason", max_length=5000)
    evidence = _evidence(actor, idea, conversation)
    if stage in REASON_REQUIRED and not reason:
        raise Invalid(fields={"reason": _("Say why, publicly: a reason is required.")})
    with transaction.atomic():
        locked = (
            Idea.objects.select_for_update(of=("self",))
            .select_related("challenge__community")
            .get(pk=idea.pk)
        )
        if stage not in flow.get(locked.stage, frozenset()):
            labels = stage_labels(idea.challenge.community)
            message = _("An idea cannot move from %(old)s to %(new)s.") % {
                "old": labels.get(locked.stage, locked.stage),
                "new": labels.get(stage, stage),
            }
            raise Invalid(fields={"stage": message})
        change = _record_stage(locked, stage, actor=actor, reason=reason)
        if evidence is not None:
            StageChange.objects.filter(pk=change.pk).update(conversation=evidence)
            change.conversation = evidence
        fields: dict[str, Any] = {"stage": stage}
        if locked.response_due_at is not None and locked.responded_at is None:
            fields["responded_at"] = timezone.now()
        Idea.objects.filter(pk=idea.pk).update(**fields)
    idea.refresh_from_db()
    return change


def expire_overdue(now: datetime | None = None) -> int:
    """Scheduled: ideas that missed their ladder deadline expire (still visible, no
    more support). Returns how many."""
    now = now or timezone.now()
    expired = 0
    overdue = Idea.objects.filter(
        stage__in=[Stage.SUBMITTED, Stage.GATHERING_SUPPORT],
        deadline_at__lt=now,
        ladder_completed_at__isnull=True,
    ).values_list("pk", flat=True)
    for pk in list(overdue[:1000]):
        with transaction.atomic():
            idea = (
                Idea.objects.select_for_update(of=("self",))
                .select_related("challenge__community")
                .get(pk=pk)
            )
            if idea.stage not in (Stage.SUBMITTED, Stage.GATHERING_SUPPORT) or (
                idea.deadline_at is None or idea.deadline_at >= now
            ):
                continue
            params = {"count": idea.support_count, "target": idea.ladder_target or 0}
            _record_stage(idea, Stage.EXPIRED, automatic=True, code="expired", params=params)
            Idea.objects.filter(pk=pk).update(stage=Stage.EXPIRED)
            expired += 1
    return expired


def open_due_reviews(now: datetime | None = None) -> int:
    """Scheduled: ideas waiting for a review window whose date has come move to
    'under review'."""
    now = now or timezone.now()
    moved = 0
    due = Idea.objects.filter(
        stage=Stage.GATHERING_SUPPORT,
        ladder_completed_at__isnull=False,
        review_window__review_at__lte=now,
    ).values_list("pk", flat=True)
    for pk in list(due[:1000]):
        with transaction.atomic():
            idea = (
                Idea.objects.select_for_update(of=("self",))
                .select_related("challenge__community", "review_window")
                .get(pk=pk)
            )
            if idea.stage != Stage.GATHERING_SUPPORT or idea.review_window is None:
                continue
            params = {"date": idea.review_window.review_at.date().isoformat()}
            _record_stage(
                idea, Stage.UNDER_REVIEW, automatic=True, code="review_window", params=params
            )
            Idea.objects.filter(pk=pk).update(stage=Stage.UNDER_REVIEW)
            moved += 1
    return moved


# --- merging duplicates ---------------------------------------------------------------------


def merge_ideas(actor: Any, source: Idea, target: Idea, *, reason: str = "") -> Merge:
    """Merge a duplicate into another idea of the same community (staff)."""
    require(actor, "idea.change_stage", source)
    require(actor, "idea.change_stage", target)
    reason = clean_text(reason, "reason", max_length=5000)
    if source.pk == target.pk:
        raise Invalid(fields={"into": _("An idea cannot be merged into itself.")})
    if source.challenge.community_id != target.challenge.community_id:
        raise Invalid(fields={"into": _("Both ideas must belong to the same community.")})
    with transaction.atomic():
        # Lock both rows in id order, so two merges cannot deadlock.
        locked = {
            i.pk: i
            for i in Idea.objects.select_for_update(of=("self",))
            .select_related("challenge__community")
            .filter(pk__in=[source.pk, target.pk])
            .order_by("pk")
        }
        src, dst = locked[source.pk], locked[target.pk]
        if src.stage == Stage.MERGED:
            raise Conflict(_("This idea is already merged."))
        if dst.stage == Stage.MERGED:
            raise Invalid(fields={"into": _("That idea is itself merged into another.")})
        already = set(Support.objects.filter(idea=dst).values_list("user_id", flat=True))
        authors = set(dst.coauthors.filter(status="accepted").values_list("user_id", flat=True))
        if dst.author_id:
            authors.add(dst.author_id)
        moving = [
            s
            for s in Support.objects.filter(idea=src).order_by("pk")
            if s.user_id not in already and s.user_id not in authors
        ]
        Support.objects.bulk_create(
            [Support(idea=dst, user_id=s.user_id, answers=s.answers) for s in moving]
        )
        if moving:
            Idea.objects.filter(pk=dst.pk).update(support_count=F("support_count") + len(moving))
            dst.refresh_from_db(fields=["support_count"])
            Idea.objects.filter(pk=dst.pk).update(
                hot_score=hot_score(dst.support_count, dst.created_at)
            )
        merge = Merge.objects.create(
            source=src,
            target=dst,
            source_stage=src.stage,
            reason=reason,
            actor=actor,
            moved_user_ids=[s.user_id for s in moving],
        )
        _record_stage(
            src,
            Stage.MERGED,
            actor=actor,
            reason=reason,
            code="" if reason else "merged_into",
            params={"title": dst.title},
        )
        Idea.objects.filter(pk=src.pk).update(stage=Stage.MERGED)
        events.record(
            "idea.merged",
            actor=actor,
            community=src.challenge.community,
            target=dst,
            source_id=src.pk,
            moved=len(moving),
            merge_id=merge.pk,
        )
        if dst.challenge.uses_ladder and moving:
            _climb(dst, timezone.now())
    source.refresh_from_db()
    target.refresh_from_db()
    return merge


def undo_merge(actor: Any, merge: Merge) -> Merge:
    require(actor, "idea.change_stage", merge.source)
    with transaction.atomic():
        locked = Merge.objects.select_for_update().get(pk=merge.pk)
        if locked.undone_at is not None:
            raise Conflict(_("This merge has already been undone."))
        ideas = {
            i.pk: i
            for i in Idea.objects.select_for_update(of=("self",))
            .select_related("challenge__community")
            .filter(pk__in=[locked.source_id, locked.target_id])
            .order_by("pk")
        }
        src, dst = ideas[locked.source_id], ideas[locked.target_id]
        removed, _rows = Support.objects.filter(
            idea=dst, user_id__in=locked.moved_user_ids
        ).delete()
        if removed:
            Idea.objects.filter(pk=dst.pk).update(support_count=F("support_count") - removed)
            dst.refresh_from_db(fields=["support_count"])
            Idea.objects.filter(pk=dst.pk).update(
                hot_score=hot_score(dst.support_count, dst.created_at)
            )
        _record_stage(src, locked.source_stage, actor=actor, code="merge_undone")
        Idea.objects.filter(pk=src.pk).update(stage=locked.source_stage)
        Merge.objects.filter(pk=locked.pk).update(undone_at=timezone.now(), undone_by=actor)
        events.record(
            "idea.merge_undone",
            actor=actor,
            community=src.challenge.community,
            target=dst,
            source_id=src.pk,
            removed=removed,
            merge_id=locked.pk,
        )
    merge.refresh_from_db()
    return merge


# --- custom stages -----------------------------------------------------------------------


def define_stage(
    actor: Any,
    community: Any,
    *,
    key: str,
    name: str,
    colour: str = "teal",
    follows: Any = None,
    leads_to: Any = None,
) -> CustomStage:
    """Add a stage of the community's own to the pipeline."""
    require(actor, "community.edit", community)
    key = str(key or "").strip()
    if not re.fullmatch(r"[a-z][a-z0-9_]{1,19}", key) or key in Stage.values:
        raise Invalid(
            fields={
                "key": _(
                    "Use 2-20 lowercase letters, digits and underscores, not a built-in stage name."
                )
            }
        )
    name = clean_text(name, "name", max_length=60, required=True)
    if colour not in StageColour.values:
        raise Invalid(fields={"colour": _("Choose one of the colours.")})
    known = set(stage_flow(community)) | {key}
    follows = [str(s) for s in (follows or [])]
    leads_to = [str(s) for s in (leads_to or [])]
    for field, stages in (("follows", follows), ("leads_to", leads_to)):
        unknown = [s for s in stages if s not in known or s == key]
        if unknown:
            raise Invalid(fields={field: _("Unknown stages: %(s)s") % {"s": ", ".join(unknown)}})
    if not follows:
        raise Invalid(fields={"follows": _("Name at least one stage that leads to this one.")})
    try:
        with transaction.atomic():
            stage = CustomStage.objects.create(
                community=community,
                key=key,
                name=name,
                colour=colour,
                follows=sorted(set(follows)),
                leads_to=sorted(set(leads_to)),
            )
            events.record("stage.defined", actor=actor, community=community, target=stage, key=key)
    except IntegrityError as exc:
        raise Invalid(fields={"key": _("This community already has that stage.")}) from exc
    return stage


def remove_stage(actor: Any, community: Any, key: str) -> None:
    require(actor, "community.edit", community)
    with transaction.atomic():
        stage = CustomStage.objects.select_for_update().filter(community=community, key=key).first()
        if stage is None:
            raise NotFound()
        if Idea.objects.filter(challenge__community=community, stage=key).exists():
            raise Conflict(_("Ideas are in this stage; move them first."))
        stage.delete()
        events.record("stage.removed", actor=actor, community=community, key=key)


def queue_waiting_for_review(challenge: Challenge) -> int:
    """Ideas that completed the ladder while no review window was open for them wait
    for the first window whose cut-off is on or after the moment they completed it.
    Run whenever the windows change."""
    queued = 0
    waiting = Idea.objects.filter(
        challenge=challenge,
        stage=Stage.GATHERING_SUPPORT,
        ladder_completed_at__isnull=False,
        review_window__isnull=True,
    )
    for idea in waiting:
        window = (
            ReviewWindow.objects.filter(
                challenge=challenge, cutoff_at__gte=idea.ladder_completed_at
            )
            .order_by("cutoff_at")
            .first()
        )
        if window is not None:
            queued += Idea.objects.filter(pk=idea.pk, review_window__isnull=True).update(
                review_window=window
            )
    return queued
