"""Reading and writing Pol.is export folders (cocreate/consensus/polis.py)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from cocreate.consensus import polis, synthetic
from cocreate.consensus.engine import Votes, compute

from .helpers import groups_by_participant

VOTES_HEADER = "timestamp,datetime,comment-id,voter-id,vote\n"
COMMENTS_HEADER = (
    "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
)


def make_folder(tmp_path: Path, votes: str | None, comments: str | None) -> Path:
    """An export folder with the given votes.csv and comments.csv (None: absent)."""
    folder = tmp_path / "export"
    folder.mkdir()
    if votes is not None:
        (folder / "votes.csv").write_text(votes, encoding="utf-8")
    if comments is not None:
        (folder / "comments.csv").write_text(comments, encoding="utf-8")
    return folder


GOOD_VOTES = VOTES_HEADER + "1000,x,0,1,1\n2000,x,1,1,-1\n3000,x,0,2,0\n"
GOOD_COMMENTS = COMMENTS_HEADER + "500,x,0,1,1,0,1,First\n600,x,1,2,0,1,-1,Second\n"


def test_reads_a_good_folder(tmp_path):
    export = polis.read_export(make_folder(tmp_path, GOOD_VOTES, GOOD_COMMENTS))
    assert export.votes.participants.tolist() == [1, 1, 2]
    assert export.votes.statements.tolist() == [0, 1, 0]
    assert export.votes.values.tolist() == [1, -1, 0]
    assert export.timestamps.tolist() == [1000, 2000, 3000]
    assert export.moderated_out == [1]
    assert export.published_groups == {} and export.summary == {}
    assert [c.body for c in export.comments] == ["First", "Second"]


def test_votes_are_sorted_by_timestamp_so_the_latest_counts(tmp_path):
    votes = VOTES_HEADER + "3000,x,0,1,-1\n1000,x,0,1,1\n2000,x,0,2,1\n1000,x,1,2,0\n"
    export = polis.read_export(make_folder(tmp_path, votes, GOOD_COMMENTS))
    assert export.timestamps.tolist() == [1000, 1000, 2000, 3000]
    # Stable: equal timestamps keep file order.
    assert export.votes.participants.tolist() == [1, 2, 2, 1]
    result = export.compute()
    assert result.agrees.tolist() == [1, 0] and result.disagrees.tolist() == [1, 0]


@pytest.mark.parametrize(
    ("votes", "comments", "message"),
    [
        (GOOD_VOTES, None, r"comments\.csv is missing"),
        (None, GOOD_COMMENTS, r"votes\.csv is missing"),
        (
            "timestamp,datetime,comment-id,voter-id\n1,x,0,1\n",
            GOOD_COMMENTS,
            r"votes\.csv lacks the column\(s\) vote",
        ),
        ("", GOOD_COMMENTS, r"votes\.csv lacks the column\(s\) timestamp, comment-id, voter-id"),
        (
            GOOD_VOTES,
            "timestamp,comment-id,author-id\n1,0,1\n",
            r"comments\.csv lacks the column\(s\) comment-body",
        ),
        (
            VOTES_HEADER + "1000,x,0,1,1\n2000,x,0,abc,1\n",
            GOOD_COMMENTS,
            r"votes\.csv voter-id on line 3 is not a whole number: 'abc'",
        ),
        (
            VOTES_HEADER + "1000,x,0,1,1\n2000,x,1.5,2,1\n",
            GOOD_COMMENTS,
            r"votes\.csv comment-id on line 3 is not a whole number: '1\.5'",
        ),
        (
            VOTES_HEADER + "later,x,0,1,1\n",
            GOOD_COMMENTS,
            r"votes\.csv timestamp on line 2 is not a whole number: 'later'",
        ),
        (
            VOTES_HEADER + "1000,x,0,1,1\n2000,x,0,2\n",
            GOOD_COMMENTS,
            r"votes\.csv vote on line 3 is not a whole number: ''",
        ),
        (
            VOTES_HEADER + "1000,x,0,1,1\n2000,x,0,2,1\n3000,x,1,2,2\n",
            GOOD_COMMENTS,
            r"votes\.csv vote on line 4 is not -1, 0 or 1",
        ),
        (
            VOTES_HEADER + "3000,x,0,1,1\n1000,x,0,2,-7\n",  # line counted before sorting
            GOOD_COMMENTS,
            r"votes\.csv vote on line 3 is not -1, 0 or 1",
        ),
        (
            GOOD_VOTES,
            COMMENTS_HEADER + "500,x,0,1,1,0,1,First\n600,x,one,2,0,1,-1,Second\n",
            r"comments\.csv comment-id on line 3 is not a whole number: 'one'",
        ),
        (
            GOOD_VOTES,
            COMMENTS_HEADER + "500,x,0,1,1,0,out,First\n",
            r"comments\.csv moderated on line 2 is not a whole number: 'out'",
        ),
    ],
    ids=[
        "no-comments",
        "no-votes",
        "no-vote-column",
        "empty-votes-file",
        "no-body-column",
        "voter-not-integer",
        "comment-not-integer",
        "timestamp-not-integer",
        "short-row",
        "vote-2",
        "vote-line-before-sorting",
        "comment-id-not-integer",
        "moderated-not-integer",
    ],
)
def test_read_errors_name_the_file_and_line(tmp_path, votes, comments, message):
    folder = make_folder(tmp_path, votes, comments)
    with pytest.raises(polis.ExportError, match=message):
        polis.read_export(folder)


def test_missing_folder(tmp_path):
    with pytest.raises(polis.ExportError, match="is not a folder"):
        polis.read_export(tmp_path / "nowhere")
    (tmp_path / "file").write_text("x")
    with pytest.raises(polis.ExportError, match="is not a folder"):
        polis.read_export(tmp_path / "file")


def test_an_export_error_is_a_value_error():
    assert issubclass(polis.ExportError, ValueError)


@pytest.mark.parametrize("row", ["abc,0,0,1,1,0", "7,zero,0,1,1,0"])
def test_participants_votes_errors_name_the_file_and_line(tmp_path, row):
    header = "participant,group-id,n-comments,n-votes,n-agree,n-disagree\n"
    folder = make_folder(tmp_path, GOOD_VOTES, GOOD_COMMENTS)
    (folder / "participants-votes.csv").write_text(header + row + "\n", encoding="utf-8")
    with pytest.raises(polis.ExportError, match=r"participants-votes\.csv .*line 2"):
        polis.read_export(folder)


def test_line_numbers_count_physical_lines_after_a_multiline_body(tmp_path):
    comments = COMMENTS_HEADER + '500,x,0,1,1,0,1,"two\nlines"\n600,x,bad,2,0,1,-1,Second\n'
    folder = make_folder(tmp_path, GOOD_VOTES, comments)
    with pytest.raises(polis.ExportError, match="line 4"):
        polis.read_export(folder)


def test_an_export_with_no_votes_computes_nothing(tmp_path):
    export = polis.read_export(make_folder(tmp_path, VOTES_HEADER, GOOD_COMMENTS))
    assert len(export.votes.values) == 0
    assert export.compute().groups == []


# -- write then read -----------------------------------------------------------

AWKWARD_BODIES = [
    "Plain text",
    "Commas, inside, the body",
    'She said "yes", then "no"',
    "Two\nlines",
    "Windows\r\nline break",
    "Ends with a newline\n",
    "我覺得 UberX 應該遵守相同的法律，並且納稅。",
    'Mixed: 「引號」, "quotes" and, commas\n第二行',
    '"Quoted from the start"',
    "=SUM(A1:A9) stays as written",
    "   leading and trailing spaces   ",
    "",
    "Emoji 🌱🐦 and tabs\there",
]


@pytest.fixture
def conversation():
    statements = len(AWKWARD_BODIES)
    planted = synthetic.planted(80, statements, 2, 0.2, seed=5)
    base = 1_600_000_000_000
    votes = [
        (base + 1000 * i, int(s), int(p), int(v))
        for i, (p, s, v) in enumerate(
            zip(
                planted.votes.participants,
                planted.votes.statements,
                planted.votes.values,
                strict=True,
            )
        )
    ]
    # Participant 3 changes their mind on statement 0 at the very end.
    votes.append((base + 1000 * len(votes), 0, 3, 1))
    votes.append((base + 1000 * len(votes), 0, 3, -1))
    comments = [
        polis.Comment(
            id=i,
            author=i % 7,
            body=body,
            moderated=(-1, 0, 1)[i % 3],
            timestamp=base - 1000 * (statements - i),
        )
        for i, body in enumerate(AWKWARD_BODIES)
    ]
    # A statement nobody voted on yet.
    comments.append(
        polis.Comment(id=99, author=1, body='Unseen, "new"', moderated=0, timestamp=base)
    )
    return comments, votes


def test_write_then_read_round_trips(tmp_path, conversation):
    comments, votes = conversation
    moderated = [c.id for c in comments if c.moderated == -1]
    vote_rows = Votes.from_rows([(v, s, x) for _, s, v, x in votes])
    voters = np.unique(vote_rows.participants)
    result = compute(vote_rows, moderated, join_order=voters)
    assert len(result.groups) == 2
    folder = tmp_path / "out"
    polis.write_export(
        folder,
        topic='Topic, with "quotes" — 主題',
        comments=comments,
        votes=votes,
        result=result,
        description="Line one\nline two, 第二行",
        url="https://example.org/c/1",
    )
    export = polis.read_export(folder)

    # Votes, in order, with their timestamps.
    assert export.timestamps.tolist() == [ts for ts, _, _, _ in votes]
    assert export.votes.statements.tolist() == [s for _, s, _, _ in votes]
    assert export.votes.participants.tolist() == [v for _, _, v, _ in votes]
    assert export.votes.values.tolist() == [x for _, _, _, x in votes]
    # Comments, bodies byte for byte, and moderation.
    read = {c.id: c for c in export.comments}
    assert read.keys() == {c.id for c in comments}
    for c in comments:
        assert read[c.id] == c, c.body
    assert sorted(export.moderated_out) == sorted(moderated)
    # Groups.
    assert export.published_groups == groups_by_participant(result)
    assert export.summary["groups"] == "2"
    assert export.summary["voters"] == str(len(voters))
    assert export.summary["voters-in-conv"] == str(int(result.placed.sum()))
    assert export.summary["comments"] == str(len(comments))
    assert export.summary["topic"] == 'Topic, with "quotes" — 主題'
    assert export.summary["conversation-description"] == "Line one\nline two, 第二行"
    # Computing from the file gives the same groups.
    again = export.compute()
    np.testing.assert_array_equal(again.group_of, result.group_of)
    np.testing.assert_array_equal(again.matrix.participant_ids, result.matrix.participant_ids)


def test_written_files_count_latest_votes(tmp_path, conversation):
    comments, votes = conversation
    polis.write_export(tmp_path, topic="t", comments=comments, votes=votes, result=None)
    latest = {}
    for _, s, v, x in votes:
        latest[(v, s)] = x
    with (tmp_path / "comments.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [int(r["timestamp"]) for r in rows] == sorted(
        (c.timestamp for c in comments), reverse=True
    )
    for row in rows:
        s = int(row["comment-id"])
        assert int(row["agrees"]) == sum(1 for (_, t), x in latest.items() if t == s and x == 1)
        assert int(row["disagrees"]) == sum(1 for (_, t), x in latest.items() if t == s and x == -1)
    with (tmp_path / "participants-votes.csv").open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        pv = list(reader)
    assert all(r["group-id"] == "" for r in pv)
    by_voter = {int(r["participant"]): r for r in pv}
    assert by_voter[3]["0"] == "-1"  # the later vote
    assert by_voter[3]["99"] == ""
    export = polis.read_export(tmp_path)
    assert export.published_groups == {}
    assert export.summary["groups"] == "0"


def test_a_real_export_survives_a_round_trip(polis_data, tmp_path):
    export = polis.read_export(polis_data / "london.youth.policing")
    votes = [
        (int(t), int(s), int(p), int(v))
        for t, s, p, v in zip(
            export.timestamps,
            export.votes.statements,
            export.votes.participants,
            export.votes.values,
            strict=True,
        )
    ]
    result = export.compute()
    polis.write_export(
        tmp_path,
        topic=export.summary["topic"],
        comments=export.comments,
        votes=votes,
        result=result,
    )
    again = polis.read_export(tmp_path)
    assert {c.id: c for c in again.comments} == {c.id: c for c in export.comments}
    assert set(again.moderated_out) == set(export.moderated_out)
    np.testing.assert_array_equal(again.votes.values, export.votes.values)
    np.testing.assert_array_equal(again.timestamps, export.timestamps)
    assert again.published_groups == groups_by_participant(result)
    np.testing.assert_array_equal(again.compute().group_of, result.group_of)
