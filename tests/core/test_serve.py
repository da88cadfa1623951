"""`cocreate serve` runs gunicorn and the task worker together: a real server on a
free loopback port answers pages and processes events (the email consumer runs in
the worker), and one SIGINT (Ctrl-C) stops both processes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.core.test_cli import REPO, _env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(url: str, seconds: float = 60) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return int(response.status)
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def test_serve_answers_runs_the_worker_and_stops_on_ctrl_c(tmp_path: Path):
    env = _env(tmp_path)
    subprocess.run(
        [sys.executable, "-m", "cocreate.cli", "prepare", "--no-demo"],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    # An account whose sign-up event the worker must turn into a confirmation email.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "cocreate.cli",
            "shell",
            "-c",
            "from cocreate.accounts.actions import sign_up; "
            "sign_up(email='new@example.org', password='a-long-passphrase-9', display_name='New')",
        ],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cocreate.cli",
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "2",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        assert _wait_for(f"http://127.0.0.1:{port}/") == 200
        assert _wait_for(f"http://127.0.0.1:{port}/api/v1/communities") == 200
        # The console email backend prints the confirmation email once the worker ran.
        deadline = time.monotonic() + 60
        output = ""
        while "Confirm your email address" not in output and time.monotonic() < deadline:
            time.sleep(0.5)
            os.set_blocking(server.stdout.fileno(), False)  # type: ignore[union-attr]
            output += server.stdout.read() or ""  # type: ignore[union-attr]
        assert "Confirm your email address" in output
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    # Nothing of the process group is left behind (gunicorn master/workers, db_worker).
    time.sleep(0.5)
    left = subprocess.run(["pgrep", "-g", str(server.pid)], capture_output=True, text=True)
    assert left.stdout.strip() == ""
