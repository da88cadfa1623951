"""`cocreate webhooks ...`: webhook endpoints from the command line, through the same
actions and permission rules as the pages and the API.

    cocreate webhooks list makers --as staff@x
    cocreate webhooks add makers --url https://hooks.example.org/cocreate \\
        --event idea.submitted --event idea.stage_changed --as staff@x
    cocreate webhooks deliveries ENDPOINT_ID --as staff@x [--status failed]
    cocreate webhooks test ENDPOINT_ID --as staff@x
    cocreate webhooks redeliver DELIVERY_ID --as staff@x
    cocreate webhooks send-due            # attempt what is due now (the worker does this)
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cocreate.communities.management.commands.community import _community, _person
from cocreate.core.errors import ActionError
from cocreate.core.permissions import require
from cocreate.webhooks import actions, delivery
from cocreate.webhooks.models import Delivery, DeliveryStatus, Endpoint, EventKind


class Command(BaseCommand):
    help = "Manage webhook endpoints (community staff; same rules as the site)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="a community's endpoints")
        listing.add_argument("slug")
        listing.add_argument("--as", dest="actor", required=True)

        add = sub.add_parser("add", help="register an endpoint (prints its secret once)")
        add.add_argument("slug")
        add.add_argument("--url", required=True)
        add.add_argument(
            "--event", action="append", dest="kinds", required=True, choices=EventKind.values
        )
        add.add_argument("--description", default="")
        add.add_argument("--as", dest="actor", required=True)

        log = sub.add_parser("deliveries", help="an endpoint's delivery log, newest first")
        log.add_argument("endpoint", type=int)
        log.add_argument("--status", choices=DeliveryStatus.values)
        log.add_argument("--limit", type=int, default=50)
        log.add_argument("--as", dest="actor", required=True)

        test = sub.add_parser("test", help="send a signed ping")
        test.add_argument("endpoint", type=int)
        test.add_argument("--as", dest="actor", required=True)

        again = sub.add_parser("redeliver", help="send a finished delivery again")
        again.add_argument("delivery")
        again.add_argument("--as", dest="actor", required=True)

        sub.add_parser("send-due", help="attempt every delivery that is due now")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "do_" + options["action"].replace("-", "_"))(options)
        except ActionError as exc:
            detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.fields.items())
            raise CommandError(f"{exc.message}{' (' + detail + ')' if detail else ''}") from exc

    def _endpoint(self, options: dict[str, Any]) -> Endpoint:
        endpoint = (
            Endpoint.objects.select_related("community__parent")
            .filter(pk=options["endpoint"])
            .first()
        )
        if endpoint is None:
            raise CommandError(f"No webhook endpoint {options['endpoint']}.")
        require(_person(options["actor"]), "webhook.manage", endpoint.community)
        return endpoint

    def do_list(self, options: dict[str, Any]) -> None:
        community = _community(options["slug"])
        require(_person(options["actor"]), "webhook.manage", community)
        for e in Endpoint.objects.filter(community=community):
            state = "active" if e.active else "off"
            self.stdout.write(f"{e.pk}\t{state}\t{e.url}\t{','.join(e.kinds)}\t{e.description}")

    def do_add(self, options: dict[str, Any]) -> None:
        endpoint = actions.create_endpoint(
            _person(options["actor"]),
            _community(options["slug"]),
            url=options["url"],
            kinds=options["kinds"],
            description=options["description"],
        )
        self.stdout.write(f"Endpoint {endpoint.pk} added. Its secret (shown once):")
        self.stdout.write(endpoint.secret)

    def do_deliveries(self, options: dict[str, Any]) -> None:
        qs = Delivery.objects.filter(endpoint=self._endpoint(options))
        if options["status"]:
            qs = qs.filter(status=options["status"])
        for d in qs[: options["limit"]]:
            answer = d.response_status or d.error or "-"
            self.stdout.write(
                f"{d.pk}\t{d.created_at:%Y-%m-%d %H:%M:%S}\t{d.kind}\t{d.status}\t"
                f"{d.attempts} attempt(s)\t{answer}"
            )

    def do_test(self, options: dict[str, Any]) -> None:
        found = actions.send_test(_person(options["actor"]), self._endpoint(options))
        self.stdout.write(f"Queued ping {found.pk}.")

    def do_redeliver(self, options: dict[str, Any]) -> None:
        try:
            found = Delivery.objects.select_related("endpoint__community").get(
                pk=options["delivery"]
            )
        except (Delivery.DoesNotExist, ValidationError) as exc:
            raise CommandError(f"No delivery {options['delivery']}.") from exc
        actions.redeliver(_person(options["actor"]), found)
        self.stdout.write(f"Queued {found.pk} again.")

    def do_send_due(self, options: dict[str, Any]) -> None:
        self.stdout.write(f"Attempted {delivery.send_due()} deliveries.")
