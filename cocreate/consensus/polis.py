"""Read and write Pol.is export folders (comments.csv, votes.csv,
participants-votes.csv, summary.csv). No Django: the CLI's `analyze`, the
importer, the exporter, tests and the benchmark share it."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from .engine import Result, State, Votes, compute

VOTE_HEADER = ["timestamp", "datetime", "comment-id", "voter-id", "vote"]
COMMENT_HEADER = [
    "timestamp",
    "datetime",
    "comment-id",
    "author-id",
    "agrees",
    "disagrees",
    "moderated",
    "comment-body",
]


class ExportError(ValueError):
    """The folder is not a readable Pol.is export; the message says why."""


@dataclass
class Comment:
    id: int
    author: int
    body: str
    moderated: int  # -1 out, 0 not yet moderated, 1 accepted
    timestamp: int  # milliseconds since the epoch


@dataclass
class Export:
    comments: list[Comment]
    votes: Votes  # sorted by timestamp (stable), so the last vote on a pair counts
    timestamps: np.ndarray  # milliseconds, aligned with votes
    published_groups: dict[int, int] = field(default_factory=dict)  # participant -> group-id
    summary: dict[str, str] = field(default_factory=dict)

    @property
    def moderated_out(self) -> list[int]:
        return [c.id for c in self.comments if c.moderated == -1]

    @property
    def join_order(self) -> np.ndarray:
        """Pol.is numbers participants in the order they joined and its vote
        matrix follows those numbers; that order differs from first-vote order
        for people who wrote or arrived before voting."""
        return np.unique(self.votes.participants)

    def compute(self, previous: State | None = None) -> Result:
        return compute(self.votes, self.moderated_out, previous, join_order=self.join_order)


def _int(value: str, what: str, line: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ExportError(f"{what} on line {line} is not a whole number: {value!r}") from None
    if abs(number) >= 2**62:
        raise ExportError(f"{what} on line {line} is out of range: {value!r}")
    return number


def _rows(path: Path, required: list[str]) -> tuple[list[str], list[list[str]], list[int]]:
    """(header, rows, the line each row starts on: a quoted cell may span lines)."""
    if not path.is_file():
        raise ExportError(f"{path.name} is missing")
    rows, lines = [], []
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader, None) or []
            missing = [name for name in required if name not in header]
            if missing:
                raise ExportError(f"{path.name} lacks the column(s) {', '.join(missing)}")
            start = reader.line_num + 1
            for row in reader:
                rows.append(row)
                lines.append(start)
                start = reader.line_num + 1
    except UnicodeDecodeError as exc:
        raise ExportError(f"{path.name} is not UTF-8 text") from exc
    except csv.Error as exc:
        raise ExportError(f"{path.name} is not a readable CSV file: {exc}") from exc
    return header, rows, lines


def read_votes(folder: Path) -> tuple[Votes, np.ndarray]:
    header, rows, lines = _rows(
        folder / "votes.csv", ["timestamp", "comment-id", "voter-id", "vote"]
    )
    if not rows:
        return Votes.from_rows([]), np.zeros(0, dtype=np.int64)
    at = [header.index(name) for name in ("timestamp", "voter-id", "comment-id", "vote")]
    try:
        table = np.array([[row[i] for i in at] for row in rows], dtype=np.int64)
    except (ValueError, IndexError, OverflowError):
        for line, row in zip(lines, rows, strict=True):
            for i, name in zip(at, ("timestamp", "voter-id", "comment-id", "vote"), strict=True):
                _int(row[i] if i < len(row) else "", f"votes.csv {name}", line)
        raise ExportError("votes.csv holds a number too large for an id or a time") from None
    bad = ~np.isin(table[:, 3], (-1, 0, 1))
    if bad.any():
        line = lines[int(np.flatnonzero(bad)[0])]
        raise ExportError(f"votes.csv vote on line {line} is not -1, 0 or 1")
    order = np.argsort(table[:, 0], kind="stable")
    table = table[order]
    return Votes(table[:, 1], table[:, 2], table[:, 3].astype(np.int8)), table[:, 0]


def read_comments(folder: Path) -> list[Comment]:
    header, rows, lines = _rows(folder / "comments.csv", ["comment-id", "comment-body"])
    col = {name: header.index(name) for name in header}
    comments = []
    for line, row in zip(lines, rows, strict=True):

        def get(name: str, default: str = "", row: list[str] = row) -> str:
            i = col.get(name)
            return row[i] if i is not None and i < len(row) else default

        comments.append(
            Comment(
                id=_int(get("comment-id"), "comments.csv comment-id", line),
                author=_int(get("author-id", "-1") or "-1", "comments.csv author-id", line),
                body=get("comment-body"),
                moderated=_int(get("moderated", "0") or "0", "comments.csv moderated", line),
                timestamp=_int(get("timestamp", "0") or "0", "comments.csv timestamp", line),
            )
        )
    return comments


def read_export(folder: str | Path) -> Export:
    folder = Path(folder)
    if not folder.is_dir():
        raise ExportError(f"{folder} is not a folder")
    votes, timestamps = read_votes(folder)
    export = Export(read_comments(folder), votes, timestamps)
    pv = folder / "participants-votes.csv"
    if pv.is_file():
        header, rows, lines = _rows(pv, ["participant", "group-id"])
        p, g = header.index("participant"), header.index("group-id")
        export.published_groups = {
            _int(row[p], "participants-votes.csv participant", line): _int(
                row[g], "participants-votes.csv group-id", line
            )
            for line, row in zip(lines, rows, strict=True)
            if len(row) > g and row[g] != ""
        }
    summary = folder / "summary.csv"
    if summary.is_file():
        with summary.open(newline="", encoding="utf-8") as handle:
            export.summary = {row[0]: row[1] for row in csv.reader(handle) if len(row) >= 2}
    return export


# -- writing ------------------------------------------------------------------


def _stamp(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%a %b %d %H:%M:%S UTC %Y")


def _write(path: Path, header: list[str], rows: Any) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def write_export(
    folder: str | Path,
    *,
    topic: str,
    comments: list[Comment],
    votes: list[tuple[int, int, int, int]],  # (timestamp ms, statement, voter, vote)
    result: Result | None,
    description: str = "",
    url: str = "",
) -> None:
    """Write the four files Pol.is exports. Text cells are written as they are:
    these files are data for analysis tools, not spreadsheets."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tally: dict[int, list[int]] = {c.id: [0, 0] for c in comments}
    latest: dict[tuple[int, int], int] = {}
    for _, statement, voter, vote in votes:
        latest[(voter, statement)] = vote
    for (_, statement), vote in latest.items():
        if statement in tally and vote:
            tally[statement][0 if vote == 1 else 1] += 1
    _write(
        folder / "comments.csv",
        COMMENT_HEADER,
        (
            [c.timestamp, _stamp(c.timestamp), c.id, c.author, *tally[c.id], c.moderated, c.body]
            for c in sorted(comments, key=lambda c: -c.timestamp)
        ),
    )
    _write(
        folder / "votes.csv",
        VOTE_HEADER,
        ([ts, _stamp(ts), s, v, vote] for ts, s, v, vote in votes),
    )
    ids = sorted(c.id for c in comments)
    voters = sorted({v for _, _, v, _ in votes})
    authored: dict[int, int] = {}
    for c in comments:
        authored[c.author] = authored.get(c.author, 0) + 1
    group = {}
    if result is not None:
        pid = result.matrix.participant_ids
        group = {int(pid[i]): int(result.group_of[i]) for i in np.flatnonzero(result.placed)}
    rows: list[list[Any]] = []
    for voter in voters:
        cells = [latest.get((voter, s)) for s in ids]
        cast = [x for x in cells if x is not None]
        rows.append(
            [
                voter,
                group.get(voter, ""),
                authored.get(voter, 0),
                len(cast),
                cast.count(1),
                cast.count(-1),
                *("" if x is None else x for x in cells),
            ]
        )
    _write(
        folder / "participants-votes.csv",
        ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"]
        + [str(i) for i in ids],
        rows,
    )
    summary: list[list[Any]] = [
        ["topic", topic],
        ["url", url],
        ["voters", len(voters)],
        ["voters-in-conv", len(group) if result is not None else 0],
        ["commenters", len({c.author for c in comments})],
        ["comments", len(comments)],
        ["groups", len(result.groups) if result is not None else 0],
        ["conversation-description", description],
    ]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(summary)
    (folder / "summary.csv").write_text(buffer.getvalue(), encoding="utf-8")
