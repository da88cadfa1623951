"""The `cocreate` command, run as a real process on a fresh SQLite database:
`help` lists Django's commands, and `demo` (run twice after `migrate`) creates the
bilingual demo community once. Four subprocesses in all: help, migrate, demo, demo."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ROLES = {"owner", "staff", "moderator", "employee", "partner", "member"}


def _env(var_dir: Path) -> dict[str, str]:
    # Clean environment: the test run's DJANGO_SETTINGS_MODULE and database must not leak.
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TMPDIR") if key in os.environ}
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{var_dir / 'db.sqlite3'}",
            "COCREATE_VAR_DIR": str(var_dir),
            "DJANGO_SETTINGS_MODULE": "cocreate.settings",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def cocreate(var_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "cocreate.cli", *args],
        cwd=REPO,
        env=_env(var_dir),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"cocreate {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result


def table_counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


@dataclass
class DemoRun:
    db: Path
    first: subprocess.CompletedProcess[str]
    second: subprocess.CompletedProcess[str]
    after_first: dict[str, int]
    after_second: dict[str, int]

    def query(self, sql: str, *params: object) -> list[tuple]:
        with sqlite3.connect(self.db) as conn:
            return conn.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Iterator[DemoRun]:
    var_dir = tmp_path_factory.mktemp("cocreate-cli")
    db = var_dir / "db.sqlite3"
    cocreate(var_dir, "migrate", "--noinput", "-v", "0")
    first = cocreate(var_dir, "demo")
    after_first = table_counts(db)
    second = cocreate(var_dir, "demo")
    yield DemoRun(db, first, second, after_first, table_counts(db))


def test_help_lists_django_and_cocreate_commands(tmp_path):
    out = cocreate(tmp_path, "help").stdout
    for command in ("migrate", "createsuperuser", "shell", "check", "demo"):
        assert f"    {command}\n" in out, command


def test_demo_uses_the_temporary_database_only(demo):
    assert demo.db.exists()
    assert demo.query("SELECT COUNT(*) FROM django_migrations")[0][0] > 0


def test_demo_creates_nimbus_riders_with_sixty_members_in_all_six_roles(demo):
    rows = demo.query(
        "SELECT id, member_count, parent_id FROM communities_community WHERE slug = ?",
        "nimbus-riders",
    )
    assert len(rows) == 1
    community_id, member_count, parent_id = rows[0]
    assert parent_id is None
    memberships = demo.query(
        "SELECT role, COUNT(*) FROM communities_membership WHERE community_id = ? GROUP BY role",
        community_id,
    )
    by_role = dict(memberships)
    assert sum(by_role.values()) == 60
    assert member_count == 60
    assert set(by_role) == ROLES
    assert all(by_role[role] >= 1 for role in ROLES)


def test_demo_has_two_active_circles_with_members_of_the_parent(demo):
    (community_id,) = demo.query(
        "SELECT id FROM communities_community WHERE slug = 'nimbus-riders'"
    )[0]
    circles = demo.query(
        "SELECT id, member_count FROM communities_community "
        "WHERE parent_id = ? AND circle_status = 'active'",
        community_id,
    )
    assert len(circles) == 2
    for circle_id, member_count in circles:
        assert member_count > 0
        outside_parent = demo.query(
            "SELECT COUNT(*) FROM communities_membership m WHERE m.community_id = ? AND NOT "
            "EXISTS (SELECT 1 FROM communities_membership p "
            "WHERE p.community_id = ? AND p.user_id = m.user_id)",
            circle_id,
            community_id,
        )[0][0]
        assert outside_parent == 0
        stored = demo.query(
            "SELECT COUNT(*) FROM communities_membership WHERE community_id = ?", circle_id
        )[0][0]
        assert stored == member_count


def test_demo_has_pending_applications_and_a_charter_history(demo):
    (community_id,) = demo.query(
        "SELECT id FROM communities_community WHERE slug = 'nimbus-riders'"
    )[0]
    pending = demo.query(
        "SELECT COUNT(*) FROM communities_application WHERE community_id = ? AND status = ?",
        community_id,
        "pending",
    )[0][0]
    assert pending >= 1
    versions = demo.query(
        "SELECT COUNT(*) FROM communities_charterversion WHERE community_id = ?", community_id
    )[0][0]
    assert versions >= 2


def test_demo_text_is_bilingual(demo):
    (name, description) = demo.query(
        "SELECT name, description FROM communities_community WHERE slug = 'nimbus-riders'"
    )[0]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in name + description)
    assert any(ch.isascii() and ch.isalpha() for ch in name + description)


def test_demo_records_events_for_what_it_did(demo):
    kinds = {kind for (kind,) in demo.query("SELECT DISTINCT kind FROM core_event")}
    assert {"community.created", "application.decided", "membership.role_changed"} <= kinds


def test_running_demo_twice_changes_nothing(demo):
    assert demo.after_second == demo.after_first
    assert "already" in demo.second.stdout.lower()
