"""`cocreate consensus ...`: conversations from the command line, through the same
actions and permission rules as the pages and the API.

    cocreate consensus analyze DIR [--json]          # a Pol.is export, no database
    cocreate consensus import DIR --community SLUG [--as owner@x] [--title T]
    cocreate consensus export CONVERSATION_ID DIR [--as staff@x]
    cocreate consensus recompute CONVERSATION_ID     # what the task worker does
    cocreate consensus list SLUG

Without --as, import and export act as the community's first owner: the
operator running the command speaks for the organisation.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cocreate.communities.management.commands.community import _community, _person
from cocreate.communities.models import Membership, Role
from cocreate.consensus import actions, compute, exchange, polis
from cocreate.consensus.models import Conversation
from cocreate.core.errors import ActionError


def _owner(community: Any) -> Any:
    membership = (
        Membership.objects.filter(community=community, role=Role.OWNER, user__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise CommandError("The community has no active owner; pass --as EMAIL.")
    return membership.user


class Command(BaseCommand):
    help = "Conversations: analyze or import Pol.is exports, export, recompute."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        analyze = sub.add_parser("analyze", help="compute groups for a Pol.is export folder")
        analyze.add_argument("folder")
        analyze.add_argument("--json", action="store_true", help="print the result as JSON")

        load = sub.add_parser("import", help="import a Pol.is export folder")
        load.add_argument("folder")
        load.add_argument("--community", required=True)
        load.add_argument("--title", default="")
        load.add_argument("--as", dest="actor")

        out = sub.add_parser("export", help="write a conversation as a Pol.is export folder")
        out.add_argument("conversation", type=int)
        out.add_argument("folder")
        out.add_argument("--as", dest="actor")

        again = sub.add_parser("recompute", help="compute a conversation's report now")
        again.add_argument("conversation", type=int)

        listing = sub.add_parser("list", help="a community's conversations")
        listing.add_argument("slug")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "do_" + options["action"])(options)
        except ActionError as exc:
            detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.fields.items())
            raise CommandError(f"{exc.message}{' (' + detail + ')' if detail else ''}") from exc
        except polis.ExportError as exc:
            raise CommandError(str(exc)) from exc

    def do_analyze(self, options: dict[str, Any]) -> None:
        result = polis.read_export(options["folder"]).compute()
        summary = result.summary()
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"{summary['participants']} participants, {summary['placed']} placed, "
            f"{summary['groups']} groups"
        )
        for group in result.groups:
            self.stdout.write(f"group {group.id}: {len(group.members)} members")
            for row in summary["representative"][str(group.id)]:
                self.stdout.write(f"  {row['kind']:>8}  statement {row['statement']}")
        for row in summary["group_consensus"]:
            self.stdout.write(f"common ground: statement {row['statement']} ({row['score']:.3f})")

    def _conversation(self, options: dict[str, Any]) -> Conversation:
        conversation = (
            Conversation.objects.select_related("community__parent")
            .filter(pk=options["conversation"])
            .first()
        )
        if conversation is None:
            raise CommandError(f"No conversation {options['conversation']}.")
        return conversation

    def do_import(self, options: dict[str, Any]) -> None:
        community = _community(options["community"])
        actor = _person(options["actor"]) if options["actor"] else _owner(community)
        conversation = actions.import_polis(
            actor, community, options["folder"], title=options["title"]
        )
        compute.recompute(conversation.pk)
        conversation.refresh_from_db()
        report = conversation.report
        self.stdout.write(
            f"conversation {conversation.pk}: {conversation.participant_count} participants, "
            f"{conversation.statement_count} statements, {conversation.vote_count} votes, "
            f"{len(report.get('groups', []))} groups shown, {report.get('placed', 0)} placed"
        )

    def do_export(self, options: dict[str, Any]) -> None:
        conversation = self._conversation(options)
        actor = _person(options["actor"]) if options["actor"] else _owner(conversation.community)
        folder = exchange.export_conversation(actor, conversation, options["folder"])
        self.stdout.write(f"wrote {folder}")

    def do_recompute(self, options: dict[str, Any]) -> None:
        conversation = compute.recompute(self._conversation(options).pk)
        assert conversation is not None
        self.stdout.write(
            f"conversation {conversation.pk}: {len(conversation.report.get('groups', []))} "
            f"groups in {conversation.compute_seconds:.3f} s"
        )

    def do_list(self, options: dict[str, Any]) -> None:
        for c in Conversation.objects.filter(community=_community(options["slug"])):
            self.stdout.write(
                f"{c.pk}\t{c.status}\t{c.participant_count} people\t{c.vote_count} votes\t{c.title}"
            )
