"""`cocreate prepare`: everything `make run` needs before serving, in one process
so a second start is quick: migrate, collect static files (only when they changed)
and load the demo into an empty database."""

from __future__ import annotations

import hashlib
import os
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command
from django.core.management.base import BaseCommand


def static_fingerprint() -> str:
    digest = hashlib.sha256()
    for finder in get_finders():
        for path, storage in sorted(finder.list([]), key=lambda item: item[0]):
            digest.update(path.encode())
            digest.update(str(os.stat(storage.path(path)).st_mtime_ns).encode())
    return digest.hexdigest()


class Command(BaseCommand):
    help = "Migrate, collect static files when they changed, and load the demo if empty."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-demo", action="store_true", help="do not load the demo")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database is up to date.")
        marker = settings.STATIC_ROOT / ".fingerprint"
        fingerprint = static_fingerprint()
        if not marker.exists() or marker.read_text() != fingerprint:
            call_command("collectstatic", interactive=False, verbosity=0)
            marker.write_text(fingerprint)
            self.stdout.write("Static files collected.")
        if not options["no_demo"]:
            call_command("demo", if_empty=True)
