"""The `cocreate` command: the project's manage.py, plus

    cocreate serve   gunicorn and the task worker together, in the foreground
    cocreate worker  the task worker alone
    cocreate demo    load the demo community (idempotent)

Every other word is a Django management command (migrate, createsuperuser, shell ...).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time


def _serve(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="cocreate serve")
    parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 2)))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", 4)))
    parser.add_argument("--no-worker", action="store_true", help="serve pages only")
    args = parser.parse_args(argv)

    # Refuse to start on a misconfigured database before forking anything.
    import django
    from django.core.management import call_command

    django.setup()
    call_command("check", "--database", "default")

    exe = os.path.dirname(sys.executable)
    web = [
        os.path.join(exe, "gunicorn"),
        "cocreate.wsgi:application",
        "--bind",
        args.bind,
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--access-logfile",
        "-",
        "--graceful-timeout",
        "10",
    ]
    processes = [subprocess.Popen(web)]
    if not args.no_worker:
        processes.append(subprocess.Popen([sys.executable, "-m", "cocreate.cli", "worker"]))
    print(f"cocreate is serving on http://{args.bind} (Ctrl-C stops)", flush=True)

    stopping = False

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        for p in processes:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    # If either process dies, stop the other: half a server is worse than none.
    while all(p.poll() is None for p in processes):
        time.sleep(0.3)
    stop(signal.SIGTERM, None)
    deadline = time.monotonic() + 15
    for p in processes:
        try:
            p.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
    codes = [p.returncode for p in processes]
    return 0 if stopping else next((c for c in codes if c), 1)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocreate.settings")
    command = argv[1] if len(argv) > 1 else "help"
    if command == "serve":
        return _serve(argv[2:])
    if command == "worker":
        import django

        django.setup()
        from cocreate.core.schedule import start_ticker
        from cocreate.core.tasks import process_events

        # Catch up on events recorded while no worker ran, then wait for new tasks;
        # the ticker enqueues the periodic jobs (expiry, reviews) once a minute.
        process_events.enqueue()
        start_ticker()
        argv = [argv[0], "db_worker", "--queue-name", "*", *argv[2:]]
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
