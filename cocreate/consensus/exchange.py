"""Pol.is-format export of a conversation, and imports from uploaded files.
Participants are written as numbers (their order of joining), never names."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from cocreate.consensus import actions, engine, polis
from cocreate.consensus.models import Conversation, Participant, Statement, StatementStatus, Vote
from cocreate.core.errors import Invalid
from cocreate.core.permissions import require

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
UPLOADS = ("comments.csv", "votes.csv")


def _ms(moment: Any) -> int:
    return int(moment.timestamp() * 1000)


def export_conversation(actor: Any, conversation: Conversation, folder: str | Path) -> Path:
    """Write comments.csv, votes.csv, participants-votes.csv and summary.csv."""
    require(actor, "conversation.export", conversation)
    number = {
        pk: i
        for i, pk in enumerate(
            Participant.objects.filter(conversation=conversation)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    }
    statements = list(Statement.objects.filter(conversation=conversation).order_by("pk"))
    sid = {s.pk: i for i, s in enumerate(statements)}
    participant_of_author = dict(
        Participant.objects.filter(conversation=conversation, user__isnull=False).values_list(
            "user_id", "pk"
        )
    )
    moderated = {
        StatementStatus.REJECTED: -1,
        StatementStatus.PENDING: 0,
        StatementStatus.ACCEPTED: 1,
    }
    comments = [
        polis.Comment(
            id=sid[s.pk],
            author=number.get(
                s.author_participant_id or participant_of_author.get(s.author_id or 0, -1), -1
            ),
            body=s.body,
            # Meta statements are out of the maths, as Pol.is's moderated-out ones.
            moderated=-1 if s.is_meta else moderated[StatementStatus(s.status)],
            timestamp=_ms(s.created_at),
        )
        for s in statements
    ]
    votes = [
        (_ms(updated), sid[statement], number[participant], value)
        for participant, statement, value, updated in Vote.objects.filter(conversation=conversation)
        .order_by("updated_at", "pk")
        .values_list("participant_id", "statement_id", "value", "updated_at")
    ]
    result = None
    if votes:
        result = engine.compute(
            engine.Votes.from_rows([(v, s, value) for _, s, v, value in votes]),
            [c.id for c in comments if c.moderated == -1],
            join_order=sorted(number.values()),
        )
    folder = Path(folder)
    polis.write_export(
        folder,
        topic=conversation.title,
        description=conversation.description,
        comments=comments,
        votes=votes,
        result=result,
    )
    return folder


def export_zip(actor: Any, conversation: Conversation) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        folder = export_conversation(actor, conversation, tmp)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.iterdir()):
                archive.write(path, path.name)
    return buffer.getvalue()


def import_uploads(actor: Any, community: Any, files: dict[str, Any], *, title: str = "") -> Any:
    """Import from uploaded comments.csv and votes.csv (page and API)."""
    with tempfile.TemporaryDirectory() as tmp:
        for name in UPLOADS:
            upload = files.get(name)
            field = name.split(".")[0]
            if upload is None:
                raise Invalid(fields={field: _("Attach %(name)s.") % {"name": name}})
            if upload.size > MAX_UPLOAD_BYTES:
                raise Invalid(fields={field: _("This file is larger than 50 MB.")})
            data = b"".join(upload.chunks())
            try:
                data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise Invalid(fields={field: _("This is not a UTF-8 CSV file.")}) from exc
            if b"\x00" in data:
                raise Invalid(fields={field: _("This is not a CSV file.")})
            (Path(tmp) / name).write_bytes(data)
        return actions.import_polis(actor, community, tmp, title=title)
