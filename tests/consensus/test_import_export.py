"""Pol.is exports in and out: importing a real export (CLI, API, page) makes a
closed conversation with the right counts (the latest vote on each pair, the
moderated-out comments rejected); exporting writes the four CSV files that read
back to the same votes, comments and groups; only staff export; bad uploads are
a 422 naming the field and import nothing."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from cocreate.communities.models import Community, Visibility
from cocreate.consensus import actions, compute, exchange, polis
from cocreate.consensus.models import (
    Conversation,
    Participant,
    Statement,
    StatementStatus,
    Vote,
)
from cocreate.core.errors import Forbidden, Invalid
from tests.conftest import client_for
from tests.consensus.helpers import API, assert_counts_exact, assert_error, make_voters, snapshot

pytestmark = pytest.mark.django_db

CSV_FILES = {"comments.csv", "votes.csv", "participants-votes.csv", "summary.csv"}


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("consensus", *args, stdout=out)
    return out.getvalue()


def write_export(folder: Path, comments: str, votes: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "comments.csv").write_text(comments, encoding="utf-8")
    (folder / "votes.csv").write_text(votes, encoding="utf-8")
    return folder


def uploads(folder: Path) -> dict[str, SimpleUploadedFile]:
    return {
        name.split(".")[0]: SimpleUploadedFile(name, (folder / name).read_bytes(), "text/csv")
        for name in ("comments.csv", "votes.csv")
    }


@pytest.fixture
def imported(london, community, owner) -> Conversation:
    run("import", str(london), "--community", community.slug)
    return Conversation.objects.get()


# --- importing the London conversation --------------------------------------------------------


def test_importing_london_makes_a_closed_conversation_with_the_right_counts(
    london, imported, owner
):
    export = polis.read_export(london)
    assert len(export.votes.participants) == 640
    pairs = set(
        zip(export.votes.participants.tolist(), export.votes.statements.tolist(), strict=True)
    )
    assert len(pairs) == 638
    people = set(export.votes.participants.tolist()) | {
        c.author for c in export.comments if c.author >= 0
    }
    out_ids = {c.id for c in export.comments if c.moderated == -1}
    assert out_ids  # the export has moderated-out comments
    conversation = imported
    assert conversation.status == "closed" and not conversation.allow_statements
    assert conversation.title == export.summary["topic"]
    assert conversation.source == export.summary["url"]
    assert conversation.created_by == owner
    assert conversation.vote_count == 638 == Vote.objects.count()
    assert conversation.participant_count == len(people) == Participant.objects.count()
    assert Statement.objects.count() == len(export.comments)
    assert conversation.statement_count == len(export.comments) - len(out_ids)
    rejected = set(
        Statement.objects.filter(status=StatementStatus.REJECTED).values_list(
            "external_id", flat=True
        )
    )
    assert rejected == out_ids
    # Participants have no accounts, only their Pol.is numbers.
    assert not Participant.objects.filter(user__isnull=False).exists()
    assert set(Participant.objects.values_list("external_id", flat=True)) == people
    assert_counts_exact()


def test_the_import_computes_the_report_like_the_engine(london, imported):
    result = polis.read_export(london).compute()
    report = imported.report
    assert imported.computed_version == imported.version
    shown = [g for g in result.groups if len(g.members) >= compute.MIN_GROUP_SIZE]
    assert sorted(g["size"] for g in report["groups"]) == sorted(len(g.members) for g in shown)
    assert report["votes"] == 638


def test_the_latest_vote_on_a_pair_wins(tmp_path, community, owner):
    folder = write_export(
        tmp_path / "x",
        "comment-id,author-id,moderated,comment-body\n1,0,1,First\n2,0,1,Second\n",
        # Out of order in the file: timestamps decide.
        "timestamp,comment-id,voter-id,vote\n"
        "3000,1,7,-1\n1000,1,7,1\n2000,1,7,0\n1500,2,7,1\n1600,2,8,1\n",
    )
    conversation = actions.import_polis(owner, community, folder, title="Tiny")
    assert conversation.title == "Tiny"
    # The author of the comments (0) takes part too, without votes.
    assert conversation.vote_count == 3 and conversation.participant_count == 3
    first = Statement.objects.get(external_id=1)
    seven = Participant.objects.get(external_id=7)
    assert Vote.objects.get(statement=first, participant=seven).value == -1
    assert (first.disagree_count, first.agree_count, first.pass_count) == (1, 0, 0)
    assert_counts_exact()


def test_only_community_managers_import(london, community, member, moderator, outsider, site_staff):
    before = snapshot()
    for person in (member, moderator, outsider, None):
        with pytest.raises(Forbidden):
            actions.import_polis(person, community, london)
    assert snapshot() == before
    assert actions.import_polis(site_staff, community, london).vote_count == 638


@pytest.mark.parametrize(
    ("comments", "votes"),
    [
        ("comment-id,comment-body\n1,a\n", "timestamp,comment-id,voter-id,vote\n1,2,3,1\n"),
        ("comment-id,comment-body\n1,a\n", "timestamp,comment-id,voter-id,vote\n1,1,3,5\n"),
        ("comment-id,comment-body\n1,a\n", "timestamp,comment-id,voter-id,vote\nx,1,3,1\n"),
        ("id,text\n1,a\n", "timestamp,comment-id,voter-id,vote\n"),
        ("comment-id,comment-body\n1,a\n", "when,which,who,how\n1,1,1,1\n"),
        ("comment-id,comment-body\nseven,a\n", "timestamp,comment-id,voter-id,vote\n"),
    ],
    ids=["stray-statement", "vote-5", "bad-timestamp", "comment-header", "vote-header", "bad-id"],
)
def test_a_broken_export_is_refused_and_imports_nothing(
    tmp_path, community, owner, comments, votes
):
    folder = write_export(tmp_path / "x", comments, votes)
    before = snapshot()
    with pytest.raises(Invalid) as exc:
        actions.import_polis(owner, community, folder)
    assert list(exc.value.fields) == ["folder"]
    assert snapshot() == before


def test_a_missing_folder_is_refused(tmp_path, community, owner):
    with pytest.raises(Invalid) as exc:
        actions.import_polis(owner, community, tmp_path / "nothing-here")
    assert list(exc.value.fields) == ["folder"]


def test_a_negative_voter_id_is_refused(tmp_path, community, owner):
    folder = write_export(
        tmp_path / "x",
        "comment-id,author-id,comment-body\n1,-1,Hello\n",
        "timestamp,comment-id,voter-id,vote\n1,1,-1,1\n",
    )
    with pytest.raises(Invalid):
        actions.import_polis(owner, community, folder)


# --- exporting ----------------------------------------------------------------------------------


def test_export_reads_back_to_the_same_votes_comments_and_groups(london, imported, tmp_path):
    out = run("export", str(imported.pk), str(tmp_path / "out"))
    assert "wrote" in out
    assert {p.name for p in (tmp_path / "out").iterdir()} == CSV_FILES
    original = polis.read_export(london)
    again = polis.read_export(tmp_path / "out")
    assert len(again.comments) == len(original.comments)
    assert len(again.votes.participants) == 638
    assert len(again.moderated_out) == len(original.moderated_out)
    assert sorted(c.body for c in again.comments) == sorted(
        " ".join(c.body.split()) for c in original.comments
    )
    assert again.summary["topic"] == imported.title
    assert len(again.compute().groups) == len(original.compute().groups)
    # The exported groups are the ones the engine finds on the export.
    assert set(again.published_groups.values()) == {g.id for g in again.compute().groups}


def test_an_app_conversation_round_trips(tmp_path, conversation, owner, community, member):
    seeds = ['Commas, "quotes" and more', "中文的陈述也可以", "Plain"]
    for body in seeds:
        actions.add_statement(owner, conversation, body=body)
    meta = conversation.statements.order_by("pk").first()
    actions.moderate_statement(owner, meta, is_meta=True)
    voters = [member, *make_voters(community, 2)]
    statements = list(conversation.statements.order_by("pk"))
    for i, voter in enumerate(voters):
        for j, s in enumerate(statements[: 4 + i]):
            actions.vote(voter, s, (i + j) % 3 - 1)
    folder = exchange.export_conversation(owner, conversation, tmp_path / "out")
    export = polis.read_export(folder)
    assert {c.body for c in export.comments} >= set(seeds)
    assert len(export.comments) == len(statements)
    assert len(export.moderated_out) == 1  # the meta statement
    assert len(export.votes.participants) == Vote.objects.count()
    # Participants are numbers in joining order (the owner wrote first), never names
    # or account ids.
    conversation.refresh_from_db()
    assert conversation.participant_count == 4
    assert set(export.votes.participants.tolist()) == {1, 2, 3}
    assert {c.author for c in export.comments} == {0}
    text = "".join(p.read_text(encoding="utf-8") for p in folder.iterdir())
    for voter in voters:
        assert voter.email not in text and voter.display_name not in text
    copy = actions.import_polis(owner, community, folder)
    assert copy.vote_count == conversation.vote_count
    assert copy.participant_count == 4
    assert set(copy.statements.values_list("body", flat=True)) == set(
        conversation.statements.values_list("body", flat=True)
    )
    assert copy.statements.filter(status="rejected").count() == 1
    assert_counts_exact()


def test_only_staff_export(conversation, owner, staff, site_staff, moderator, member, tmp_path):
    for person in (owner, staff, site_staff):
        exchange.export_conversation(person, conversation, tmp_path / person.email)
    for person in (moderator, member, None):
        with pytest.raises(Forbidden):
            exchange.export_zip(person, conversation)


def test_the_export_zip_from_the_api(imported, owner, member, outsider, api_client):
    url = f"{API}/conversations/{imported.pk}/export"
    answer = api_client(owner).get(url)
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/zip"
    assert f"conversation-{imported.pk}.zip" in answer["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(answer.content))
    assert set(archive.namelist()) == CSV_FILES
    votes = archive.read("votes.csv").decode("utf-8").splitlines()
    assert votes[0].split(",")[:5] == polis.VOTE_HEADER
    assert len(votes) == 1 + 638
    for person in (member, outsider):
        assert_error(api_client(person).get(url), 403, "forbidden")
    assert_error(api_client(None).get(url), 401, "unauthenticated")


def test_the_export_zip_from_the_page(imported, owner, member, outsider):
    url = f"/conversations/{imported.pk}/export/"
    answer = client_for(owner).get(url)
    assert answer.status_code == 200 and answer["Content-Type"] == "application/zip"
    assert set(zipfile.ZipFile(io.BytesIO(answer.content)).namelist()) == CSV_FILES
    assert client_for(member).get(url).status_code == 403
    assert client_for(outsider).get(url).status_code == 403
    assert client_for(None).get(url).status_code == 302
    # The report offers the download to staff only.
    report = f"/conversations/{imported.pk}/report/"
    assert url in client_for(owner).get(report).content.decode()
    assert url not in client_for(member).get(report).content.decode()


def test_a_private_communitys_export_is_not_found_for_outsiders(
    imported, community, outsider, api_client
):
    Community.objects.filter(pk=community.pk).update(visibility=Visibility.PRIVATE)
    url = f"{API}/conversations/{imported.pk}/export"
    assert_error(api_client(outsider).get(url), 404, "not_found")
    assert client_for(outsider).get(f"/conversations/{imported.pk}/export/").status_code == 404


# --- importing uploads (API and page) ------------------------------------------------------------


def test_the_api_imports_uploaded_files(london, community, owner, api_client):
    answer = api_client(owner).post(
        f"{API}/communities/{community.slug}/conversations/import",
        {**uploads(london), "title": "London, uploaded"},
    )
    assert answer.status_code == 201, answer.content
    data = answer.json()
    assert data["title"] == "London, uploaded" and data["status"] == "closed"
    assert data["vote_count"] == 638 and data["participant_count"] == 27
    assert_counts_exact()


def test_only_managers_import_through_the_api(london, community, member, api_client):
    url = f"{API}/communities/{community.slug}/conversations/import"
    assert_error(api_client(member).post(url, uploads(london)), 403, "forbidden")
    assert_error(api_client(None).post(url, uploads(london)), 401, "unauthenticated")
    assert not Conversation.objects.exists()


def test_a_missing_upload_is_a_422(london, community, owner, api_client):
    files = uploads(london)
    answer = api_client(owner).post(
        f"{API}/communities/{community.slug}/conversations/import", {"votes": files["votes"]}
    )
    error = assert_error(answer, 422, "invalid")
    assert any("comments" in field for field in error["fields"])
    assert not Conversation.objects.exists()


def test_a_missing_upload_names_the_field(london, community, owner, api_client):
    files = uploads(london)
    answer = api_client(owner).post(
        f"{API}/communities/{community.slug}/conversations/import", {"votes": files["votes"]}
    )
    assert_error(answer, 422, "invalid", "comments")


@pytest.mark.parametrize(
    ("name", "data", "field"),
    [
        ("votes", "timestamp,comment-id,voter-id,vote\n1,1,1,1\n".encode("utf-16"), "votes"),
        ("comments", b"comment-id,comment-body\n1,caf\xe9\n", "comments"),
        ("comments", b"comment-id,comment-body\n1,a\x00b\n", "comments"),
        ("votes", b"when,which,who,how\n", "folder"),
        ("comments", b"no header at all", "folder"),
    ],
    ids=["utf16", "latin1", "nul", "bad-votes-header", "bad-comments-header"],
)
def test_bad_uploads_are_a_422_naming_the_field(
    london, community, owner, api_client, name, data, field
):
    files = uploads(london)
    files[name] = SimpleUploadedFile(f"{name}.csv", data, "text/csv")
    before = snapshot()
    answer = api_client(owner).post(
        f"{API}/communities/{community.slug}/conversations/import", files
    )
    assert_error(answer, 422, "invalid", field)
    assert snapshot() == before


def test_the_import_page(london, community, owner, member):
    url = f"/c/{community.slug}/conversations/import/"
    assert client_for(owner).get(url).status_code == 200
    assert client_for(member).get(url).status_code == 403
    assert client_for(None).get(url).status_code == 302
    answer = client_for(member).post(url, uploads(london))
    assert answer.status_code == 403
    answer = client_for(owner).post(url, {**uploads(london), "title": "From the page"})
    conversation = Conversation.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == f"/conversations/{conversation.pk}/report/"
    assert conversation.title == "From the page" and conversation.vote_count == 638


def test_the_import_page_shows_what_is_wrong(london, community, owner):
    files = uploads(london)
    files["comments"] = SimpleUploadedFile("comments.csv", b"id,text\n1,a\n", "text/csv")
    answer = client_for(owner).post(f"/c/{community.slug}/conversations/import/", files)
    assert answer.status_code == 422
    assert "comments" in answer.context["form"].errors
    assert "comment-id" in answer.content.decode()
    answer = client_for(owner).post(f"/c/{community.slug}/conversations/import/", {})
    assert answer.status_code == 422
    assert not Conversation.objects.exists()
