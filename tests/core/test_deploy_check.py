"""`cocreate check --deploy --fail-level WARNING` passes with the production
environment of the README, and really fails when part of it is missing."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _production_env(tmp_path: Path) -> dict[str, str]:
    # A clean environment: nothing from the test run (DJANGO_SETTINGS_MODULE=tests.settings,
    # EMAIL_URL ...) leaks into the checked configuration.
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TMPDIR") if key in os.environ}
    env.update(
        {
            "DEBUG": "0",
            "HTTPS": "1",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "cocreate.example.org",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "COCREATE_VAR_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "cocreate.settings",
        }
    )
    return env


def _check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cocreate.cli", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_passes_with_production_environment(tmp_path):
    result = _check(_production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("change", "expected_warnings"),
    [
        pytest.param(
            {"HTTPS": None},
            ["security.W004", "security.W008", "security.W012", "security.W016"],
            id="without-https",
        ),
        pytest.param({"DEBUG": "1"}, ["security.W018"], id="with-debug"),
        pytest.param({"SECRET_KEY": "short-and-guessable"}, ["security.W009"], id="weak-secret"),
    ],
)
def test_deploy_check_fails_when_production_settings_are_missing(
    tmp_path, change: dict[str, str | None], expected_warnings: list[str]
):
    env = _production_env(tmp_path)
    for key, value in change.items():
        if value is None:
            env.pop(key)
        else:
            env[key] = value
    result = _check(env)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    for warning in expected_warnings:
        assert warning in output
