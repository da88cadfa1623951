"""`cocreate community ...`: the command-line way into the same actions the pages
and the API use. Every subcommand acts as a named person (`--as EMAIL`) and is
checked by the same permission rules.

    cocreate community list
    cocreate community create --as admin@x --name "Makers" --slug makers [--policy application]
    cocreate community charter makers --as owner@x --mission-file charter.md [--summary "..."]
    cocreate community invite makers --as owner@x [--days 7] [--uses 10] [--email someone@x]
    cocreate community role makers person@x staff --as owner@x
    cocreate community remove makers person@x --reason "..." --as owner@x
    cocreate community applications makers --as owner@x
    cocreate community decide APPLICATION_ID accept|decline --as owner@x [--message "..."]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from cocreate.accounts.models import User
from cocreate.communities import actions, queries
from cocreate.communities.models import Application, Community, Membership
from cocreate.core.errors import ActionError


def _person(email: str) -> User:
    user = User.objects.filter(email=email.strip().lower(), is_active=True).first()
    if user is None:
        raise CommandError(f"No active account with the email {email!r}.")
    return user


def _community(slug: str) -> Community:
    community = Community.objects.filter(slug=slug).first()
    if community is None:
        raise CommandError(f"No community with the address {slug!r}.")
    return community


class Command(BaseCommand):
    help = "Manage communities from the command line (same rules as the site)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)

        sub.add_parser("list", help="list every community and circle")

        create = sub.add_parser("create", help="create a community (site staff)")
        create.add_argument("--as", dest="actor", required=True)
        create.add_argument("--name", required=True)
        create.add_argument("--slug", required=True)
        create.add_argument("--description", default="")
        create.add_argument("--visibility", default="public", choices=["public", "private"])
        create.add_argument(
            "--policy", default="open", choices=["open", "application", "invitation"]
        )
        create.add_argument("--seats", type=int, default=None)
        create.add_argument("--question", action="append", default=[], dest="questions")
        create.add_argument("--mission", default="")

        charter = sub.add_parser("charter", help="publish a new charter version")
        charter.add_argument("slug")
        charter.add_argument("--as", dest="actor", required=True)
        charter.add_argument("--mission-file", type=Path, required=True)
        charter.add_argument("--values-file", type=Path)
        charter.add_argument("--rules-file", type=Path)
        charter.add_argument("--summary", default="")

        invite = sub.add_parser("invite", help="create an invitation link")
        invite.add_argument("slug")
        invite.add_argument("--as", dest="actor", required=True)
        invite.add_argument("--days", type=int, default=7)
        invite.add_argument("--uses", type=int, default=1)
        invite.add_argument("--email", default="")
        invite.add_argument("--note", default="")

        role = sub.add_parser("role", help="change a member's role")
        role.add_argument("slug")
        role.add_argument("email")
        role.add_argument("role")
        role.add_argument("--as", dest="actor", required=True)

        remove = sub.add_parser("remove", help="remove a member, with a reason")
        remove.add_argument("slug")
        remove.add_argument("email")
        remove.add_argument("--reason", required=True)
        remove.add_argument("--as", dest="actor", required=True)

        pending = sub.add_parser("applications", help="list pending applications")
        pending.add_argument("slug")
        pending.add_argument("--as", dest="actor", required=True)

        decide = sub.add_parser("decide", help="accept or decline an application")
        decide.add_argument("application", type=int)
        decide.add_argument("decision", choices=["accept", "decline"])
        decide.add_argument("--message", default="")
        decide.add_argument("--as", dest="actor", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "do_" + options["action"])(options)
        except ActionError as exc:
            detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.fields.items())
            raise CommandError(f"{exc.message}{' (' + detail + ')' if detail else ''}") from exc

    def do_list(self, options: dict[str, Any]) -> None:
        for c in Community.objects.select_related("parent").order_by("parent_id", "name"):
            kind = f"circle of {c.parent.slug}" if c.parent else c.visibility
            self.stdout.write(f"{c.slug}\t{c.name}\t{kind}\t{c.join_policy}\t{c.member_count}")

    def do_create(self, options: dict[str, Any]) -> None:
        community = actions.create_community(
            _person(options["actor"]),
            name=options["name"],
            slug=options["slug"],
            description=options["description"],
            visibility=options["visibility"],
            join_policy=options["policy"],
            seat_limit=options["seats"],
            application_questions=options["questions"],
            mission=options["mission"],
        )
        self.stdout.write(f"Created {community.slug} (you are its owner).")

    def do_charter(self, options: dict[str, Any]) -> None:
        def read(path: Path | None) -> str:
            return path.read_text(encoding="utf-8") if path else ""

        version = actions.edit_charter(
            _person(options["actor"]),
            _community(options["slug"]),
            mission=read(options["mission_file"]),
            values=read(options["values_file"]),
            rules=read(options["rules_file"]),
            summary=options["summary"],
        )
        self.stdout.write(f"Published charter version {version.number}.")

    def do_invite(self, options: dict[str, Any]) -> None:
        invitation = actions.create_invitation(
            _person(options["actor"]),
            _community(options["slug"]),
            expires_in_days=options["days"],
            max_uses=options["uses"],
            email=options["email"],
            note=options["note"],
        )
        url = settings.SITE_URL + reverse("communities:invitation", args=[invitation.code])
        self.stdout.write(
            f"{url}\t{invitation.max_uses} use(s) until {invitation.expires_at:%Y-%m-%d %H:%M}"
        )

    def _membership(self, options: dict[str, Any]) -> Membership:
        community = _community(options["slug"])
        membership = (
            Membership.objects.select_related("community", "user")
            .filter(community=community, user=_person(options["email"]))
            .first()
        )
        if membership is None:
            raise CommandError(f"{options['email']} is not a member of {community.slug}.")
        return membership

    def do_role(self, options: dict[str, Any]) -> None:
        membership = actions.change_role(
            _person(options["actor"]), self._membership(options), options["role"]
        )
        self.stdout.write(f"{membership.user.email} is now {membership.role}.")

    def do_remove(self, options: dict[str, Any]) -> None:
        actions.remove_member(
            _person(options["actor"]), self._membership(options), reason=options["reason"]
        )
        self.stdout.write(f"Removed {options['email']}.")

    def do_applications(self, options: dict[str, Any]) -> None:
        actor = _person(options["actor"])
        community = _community(options["slug"])
        from cocreate.core.permissions import require

        require(actor, "community.manage_members", community)
        for application in queries.pending_applications(community):
            answers = " | ".join(a["answer"] for a in application.answers)
            self.stdout.write(
                f"{application.pk}\t{application.user.email}\t"
                f"{application.created_at:%Y-%m-%d}\t{answers}"
            )

    def do_decide(self, options: dict[str, Any]) -> None:
        application = (
            Application.objects.select_related("community", "user")
            .filter(pk=options["application"])
            .first()
        )
        if application is None:
            raise CommandError(f"No application {options['application']}.")
        application = actions.decide_application(
            _person(options["actor"]),
            application,
            accept=options["decision"] == "accept",
            message=options["message"],
        )
        self.stdout.write(f"Application {application.pk} {application.status}.")
