"""Moderation emails: authors are told when their content is hidden, removed or
restored, and members when they are muted or banned (with the reason)."""

from cocreate.communities.models import Membership
from cocreate.core import mail
from cocreate.core.consumers import consumer
from cocreate.core.models import Event
from cocreate.dialogue.models import Comment
from cocreate.ideas.models import Idea

CONTENT = ["content.hidden", "content.removed", "content.restored"]
SANCTIONS = ["member.muted", "member.banned"]


@consumer("moderation_emails", kinds=CONTENT + SANCTIONS)
def moderation_emails(event: Event) -> None:
    if event.kind in CONTENT:
        if event.kind == "content.restored" and event.data.get("was") == "visible":
            return  # only reported, never hidden: nothing to tell the author
        model = Comment if event.target_type == "dialogue.comment" else Idea
        target = model.objects.select_related("author").filter(pk=event.target_id or 0).first()
        author = getattr(target, "author", None)
        if target is None or author is None or not author.is_active:
            return
        mail.send(
            author.email,
            "moderation_content",
            {
                "person": author,
                "community": event.community,
                "kind": event.data.get("content"),
                "what": event.kind.removeprefix("content."),
                "reason": event.data.get("reason", ""),
                "target": target,
            },
            author.language,
        )
    else:
        membership = (
            Membership.objects.select_related("user", "community")
            .filter(pk=event.target_id or 0)
            .first()
        )
        if membership is None or not membership.user.is_active:
            return
        mail.send(
            membership.user.email,
            "moderation_sanction",
            {
                "person": membership.user,
                "community": membership.community,
                "banned": event.kind == "member.banned",
                "until": event.data.get("until", ""),
                "forever": str(event.data.get("until", "")).startswith("9999"),
                "reason": event.data.get("reason", ""),
            },
            membership.user.language,
        )
