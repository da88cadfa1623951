"""Helpers for the moderation tests: the item under test (a comment or an idea),
flagging it to the threshold, a snapshot of everything moderation can change (for
"refused changes nothing"), and the emails a person received."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core import mail
from django.urls import reverse

from cocreate.communities.models import Membership
from cocreate.core.models import Event
from cocreate.dialogue import moderation
from cocreate.dialogue.models import Comment, Flag, ModerationEntry, Reaction
from cocreate.ideas.models import Idea, Support
from tests.communities.helpers import API, assert_error

__all__ = ["API", "Item", "assert_error", "deliver", "emails_to", "flag_all", "state"]


@dataclass
class Item:
    """A comment or an idea that members flag and moderators decide on."""

    kind: str  # "comment" or "idea"
    pk: int
    author: Any

    def get(self) -> Comment | Idea:
        """Loaded as a request would load it."""
        if self.kind == "comment":
            return Comment.objects.select_related(
                "author", "community", "challenge__community__parent", "idea"
            ).get(pk=self.pk)
        return Idea.objects.select_related("author", "challenge__community__parent").get(pk=self.pk)

    @property
    def state(self) -> str:
        target = self.get()
        return target.status if isinstance(target, Comment) else target.moderation

    @property
    def flag_count(self) -> int:
        return self.get().flag_count

    def flags(self) -> Any:
        return Flag.objects.filter(**{self.kind: self.pk})

    @property
    def flag_api(self) -> str:
        return f"{API}/{self.kind}s/{self.pk}/flag"

    @property
    def flag_page(self) -> str:
        name = "dialogue:flag_comment" if self.kind == "comment" else "dialogue:flag_idea"
        return reverse(name, args=[self.pk])

    @property
    def decide_api(self) -> str:
        return f"{API}/{self.kind}s/{self.pk}/moderation"

    @property
    def decide_page(self) -> str:
        name = "dialogue:decide_comment" if self.kind == "comment" else "dialogue:decide_idea"
        return reverse(name, args=[self.pk])


def flag_all(people: list[Any], item: Item, reason: str = "spam") -> None:
    """Each person flags the item once, through the action."""
    for person in people:
        moderation.flag(person, item.get(), reason=reason)


def state() -> dict[str, Any]:
    """Everything flagging, deciding and sanctioning can write, comparably
    (emails included: pending events are delivered first)."""
    deliver()
    return {
        "emails": len(mail.outbox),
        "comments": sorted(
            Comment.objects.values_list("pk", "status", "flag_count", "body", "reply_count")
        ),
        "ideas": sorted(
            Idea.objects.values_list(
                "pk", "moderation", "flag_count", "comment_count", "support_count"
            )
        ),
        "flags": sorted(Flag.objects.values_list("pk", "user_id", "counts", "resolved_at")),
        "log": sorted(ModerationEntry.objects.values_list("pk", "action")),
        "memberships": sorted(
            Membership.objects.values_list("pk", "role", "muted_until", "banned_until")
        ),
        "reactions": sorted(Reaction.objects.values_list("pk", "kind")),
        "supports": sorted(Support.objects.values_list("idea_id", "user_id")),
        # API tokens made for a test client are not moderation's doing.
        "events": sorted(
            Event.objects.exclude(kind__startswith="account.").values_list("pk", "kind")
        ),
    }


def deliver() -> None:
    """Run the consumers over the events recorded so far, as the commit would (a
    test's transaction never commits)."""
    from cocreate.core import consumers

    consumers.run_all()


def emails_to(user: Any, subject: str = "") -> list[Any]:
    """The emails `user` has received (delivering pending events first)."""
    deliver()
    return [m for m in mail.outbox if user.email in m.to and subject in m.subject]
