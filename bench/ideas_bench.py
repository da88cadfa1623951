"""Benchmark (not a test): a challenge with 100,000 ideas and 1,000,000 supports on
PostgreSQL, served by gunicorn as in production.

Measures p50/p95 of the idea list (each sort, API and page), the idea page, and the
similar-ideas lookup, and supports per second through HTTP.

    scripts/with-postgres.sh .venv/bin/python bench/ideas_bench.py [--ideas 100000]
        [--supports 1000000] [--users 10000] [--requests 200] [--clients 8]

Needs DATABASE_URL pointing at a throwaway PostgreSQL (with-postgres.sh sets it). Talks
only to 127.0.0.1. Results are printed and written to bench/results/ideas.json.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

WORDS_EN = (
    "lock mudguard light rack bell seat tyre chain gear brake frame basket battery charger "
    "pedal handlebar grip mirror stand pump helmet reflector bag bottle cover fender"
).split()
ADJ_EN = "folding longer brighter lighter quieter stronger removable waterproof smart".split()
WORDS_ZH = "车锁 挡泥板 车灯 货架 车铃 车座 轮胎 链条 变速 刹车 车架 车筐 电池 充电器 脚踏".split()
ADJ_ZH = "折叠 加长 更亮 更轻 静音 加固 可拆卸 防水 智能".split()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def create_database(url: str) -> None:
    """The throwaway cluster has only the maintenance database: create ours."""
    import psycopg

    base, _slash, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocreate.settings")
    import django

    django.setup()


def idea_text(rng: random.Random, i: int) -> tuple[str, str, str]:
    if i % 2:
        a, w = rng.choice(ADJ_ZH), rng.choice(WORDS_ZH)
        title = f"{a}{w}方案 {i}"
        body = f"希望{w}能够{a}，雨天通勤更方便。{rng.choice(WORDS_ZH)}也可以一起改进。"
        return title, body, "zh-hans"
    a, w = rng.choice(ADJ_EN), rng.choice(WORDS_EN)
    title = f"A {a} {w} (#{i})"
    body = f"Make the {w} {a} so commuting is easier; the {rng.choice(WORDS_EN)} could follow."
    return title, body, "en"


def seed(args: argparse.Namespace) -> dict[str, object]:
    """Bulk-load through COPY: the data is made directly, not through the actions
    (100k ideas through actions would take an hour); counters are then set from the
    rows, the same invariant the actions keep."""
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from cocreate.accounts.actions import create_token
    from cocreate.accounts.models import User
    from cocreate.challenges import actions as challenge_actions
    from cocreate.communities import actions as community_actions
    from cocreate.core.markdown import render
    from cocreate.ideas.actions import hot_score

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    admin = User.objects.create_user(
        "admin@bench.example",
        "bench-password-1",
        is_staff=True,
        display_name="Admin",
        email_confirmed_at=timezone.now(),
    )
    community = community_actions.create_community(admin, name="Bench", slug="bench")
    challenge = challenge_actions.idea_box(community)
    password = make_password("bench-password-1")
    now = timezone.now()
    rng = random.Random(7)

    with connection.cursor() as cursor:
        copy = cursor.connection.cursor()
        users = io.StringIO()
        for i in range(args.users):
            users.write(
                f"bench{i}@bench.example\tMember {i}\tmember_{i}\t\t\t[]\ten\t{now.isoformat()}\t"
                f"f\tt\t{now.isoformat()}\t{password}\tf\n"
            )
        users.seek(0)
        with copy.copy(
            "COPY accounts_user (email, display_name, handle, bio, avatar, languages, language, "
            "email_confirmed_at, is_staff, is_active, date_joined, password, is_superuser) "
            "FROM STDIN"
        ) as pipe:
            pipe.write(users.read())
        cursor.execute("SELECT min(id), max(id) FROM accounts_user WHERE email LIKE 'bench%%'")
        first_user, last_user = cursor.fetchone()
        cursor.execute(
            "INSERT INTO communities_membership (community_id, user_id, role, joined_at) "
            "SELECT %s, id, 'member', now() FROM accounts_user WHERE email LIKE 'bench%%'",
            [community.pk],
        )
        cursor.execute(
            "UPDATE communities_community SET member_count = member_count + %s WHERE id = %s",
            [args.users, community.pk],
        )

        ideas = io.StringIO()
        for i in range(args.ideas):
            title, body, language = idea_text(rng, i)
            created = now.timestamp() - rng.uniform(0, 200 * 86400)
            author = rng.randint(first_user, last_user)
            created_at = datetime.fromtimestamp(created, tz=UTC)
            html = str(render(body)).replace("\\", "\\\\").replace("\n", "\\n")
            ideas.write(
                f"{challenge.pk}\t{author}\t{title}\t{body}\t{html}\t[]\t{language}\t"
                f"gathering_support\t0\t1\t0\t0\tvisible\t0\t{hot_score(0, created_at)}\t0\t100\t"
                f"{created_at.isoformat()}\t{now.isoformat()}\n"
            )
        ideas.seek(0)
        with copy.copy(
            "COPY ideas_idea (challenge_id, author_id, title, body, body_html, tags, language, "
            "stage, support_count, version_count, image_count, comment_count, moderation, "
            "flag_count, hot_score, "
            "ladder_level, ladder_target, created_at, updated_at) FROM STDIN"
        ) as pipe:
            pipe.write(ideas.read())
        cursor.execute(
            "SELECT min(id), max(id) FROM ideas_idea WHERE challenge_id = %s", [challenge.pk]
        )
        first_idea, last_idea = cursor.fetchone()

        # Supports: a skewed distribution (a few ideas are very popular), unique pairs.
        seen: set[tuple[int, int]] = set()
        supports = io.StringIO()
        while len(seen) < args.supports:
            idea = first_idea + min(int(rng.paretovariate(0.6)) - 1, last_idea - first_idea)
            if rng.random() < 0.5:
                idea = rng.randint(first_idea, last_idea)
            user = rng.randint(first_user, last_user)
            if (idea, user) in seen:
                continue
            seen.add((idea, user))
            supports.write(f"{idea}\t{user}\t{{}}\t{now.isoformat()}\n")
        supports.seek(0)
        with copy.copy(
            "COPY ideas_support (idea_id, user_id, answers, created_at) FROM STDIN"
        ) as pipe:
            pipe.write(supports.read())
        cursor.execute(
            "UPDATE ideas_idea i SET support_count = s.n, "
            "hot_score = log(greatest(s.n, 1)) + extract(epoch from i.created_at) / 45000 "
            "FROM (SELECT idea_id, count(*) n FROM ideas_support GROUP BY idea_id) s "
            "WHERE s.idea_id = i.id"
        )
        cursor.execute(
            "UPDATE challenges_challenge SET idea_count = %s WHERE id = %s",
            [args.ideas, challenge.pk],
        )
    # As autovacuum would have by the time real traffic came: without it, the first
    # list measured pays for the dead rows of the UPDATE above and an unset visibility
    # map (its counts cannot be index-only). VACUUM cannot run inside a transaction.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    seeded = time.perf_counter() - started
    # Fresh supporters for the write test: users who support nothing yet are rare in
    # 1M supports over 10k users, so make dedicated ones.
    writers = []
    for i in range(args.clients):
        user = User.objects.create_user(
            f"writer{i}@bench.example",
            "bench-password-1",
            display_name=f"Writer {i}",
            email_confirmed_at=timezone.now(),
        )
        community_actions.join(user, community)
        writers.append(create_token(user, name="bench")[1])
    return {
        "challenge": challenge.pk,
        "first_idea": first_idea,
        "last_idea": last_idea,
        "seed_seconds": round(seeded, 1),
        "writer_tokens": writers,
    }


class Client:
    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def request(self, method: str, path: str, token: str | None = None) -> tuple[int, float]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        started = time.perf_counter()
        try:
            self.conn.request(method, path, headers=headers)
            response = self.conn.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            return 599, time.perf_counter() - started
        return response.status, time.perf_counter() - started


def measure(port: int, paths: list[str], clients: int) -> dict[str, float]:
    """Send the paths from `clients` threads; latency percentiles in milliseconds."""
    times: list[float] = []
    errors = 0
    lock = threading.Lock()
    work = list(paths)

    def run() -> None:
        nonlocal errors
        client = Client(port)
        while True:
            with lock:
                if not work:
                    return
                path = work.pop()
            status, seconds = client.request("GET", path)
            with lock:
                times.append(seconds)
                errors += status >= 400

    started = time.perf_counter()
    threads = [threading.Thread(target=run) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    ordered = sorted(times)
    return {
        "requests": len(times),
        "errors": errors,
        "p50_ms": round(1000 * statistics.median(ordered), 1),
        "p95_ms": round(1000 * ordered[int(0.95 * (len(ordered) - 1))], 1),
        "per_second": round(len(times) / wall, 1),
    }


def support_rate(port: int, seeded: dict[str, object], per_client: int) -> dict[str, float]:
    tokens: list[str] = seeded["writer_tokens"]  # type: ignore[assignment]
    first, last = int(seeded["first_idea"]), int(seeded["last_idea"])  # type: ignore[arg-type]
    counts = {"ok": 0, "other": 0}
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def run(index: int, token: str) -> None:
        client = Client(port)
        rng = random.Random(index)
        for idea in rng.sample(range(first, last + 1), per_client):
            status, _seconds = client.request("POST", f"/api/v1/ideas/{idea}/support", token)
            with lock:
                counts["ok" if status == 201 else "other"] += 1
                if status != 201:
                    statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(tokens)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return {
        "supports": counts["ok"],
        "other_status": statuses,
        "per_second": round(counts["ok"] / wall, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ideas", type=int, default=100_000)
    parser.add_argument("--supports", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Run under scripts/with-postgres.sh (DATABASE_URL must be PostgreSQL).")
    create_database(os.environ["DATABASE_URL"])
    var = Path(tempfile.mkdtemp(prefix="cocreate-bench-"))
    os.environ["COCREATE_VAR_DIR"] = str(var)
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 50)
    setup_django()
    seeded = seed(args)
    print(
        f"seeded {args.ideas} ideas, {args.supports} supports, {args.users} members in "
        f"{seeded['seed_seconds']} s",
        flush=True,
    )

    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cocreate.settings"}
    subprocess.run(
        [sys.executable, "-m", "cocreate.cli", "collectstatic", "--noinput", "-v0"],
        env=env,
        check=True,
        cwd=REPO,
    )
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "cocreate.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--threads",
            "4",
            "--timeout",
            "300",
        ],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        client = Client(port)
        for _ in range(300):
            if client.request("GET", "/")[0] == 200:
                break
            time.sleep(0.2)
        ch = seeded["challenge"]
        first, last = int(seeded["first_idea"]), int(seeded["last_idea"])  # type: ignore[arg-type]
        rng = random.Random(1)
        n = args.requests
        results: dict[str, object] = {"seed_seconds": seeded["seed_seconds"]}
        for sort in ("hot", "top", "new", "discussed"):
            results[f"api list sort={sort}"] = measure(
                port,
                [
                    f"/api/v1/challenges/{ch}/ideas?sort={sort}&page={rng.randint(1, 50)}"
                    for _ in range(n)
                ],
                args.clients,
            )
            results[f"page list sort={sort}"] = measure(
                port,
                [f"/challenges/{ch}/?sort={sort}&page={rng.randint(1, 50)}" for _ in range(n)],
                args.clients,
            )
        results["search q=lock"] = measure(
            port,
            [f"/api/v1/challenges/{ch}/ideas?q=lock&page={rng.randint(1, 5)}" for _ in range(n)],
            args.clients,
        )
        results["idea page"] = measure(
            port, [f"/ideas/{rng.randint(first, last)}/" for _ in range(n)], args.clients
        )
        results["api idea"] = measure(
            port, [f"/api/v1/ideas/{rng.randint(first, last)}" for _ in range(n)], args.clients
        )
        texts = [
            "a lighter folding lock",
            "更亮的车灯",
            "waterproof battery charger",
            "加长挡泥板",
            "smart bell",
        ]
        # The first lookup in each worker builds the challenge's similarity index.
        cold = time.perf_counter()
        measure(
            port,
            [f"/api/v1/ideas/similar?challenge={ch}&text=lock"] * args.workers * 2,
            args.workers * 2,
        )
        results["similar index build (cold, s)"] = round(time.perf_counter() - cold, 1)
        results["similar ideas (warm)"] = measure(
            port,
            [
                f"/api/v1/ideas/similar?challenge={ch}&text={quote(rng.choice(texts))}"
                for _ in range(n)
            ],
            args.clients,
        )
        results["supports via HTTP"] = support_rate(port, seeded, max(1, n // args.clients))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    for name, value in results.items():
        print(f"{name}: {value}")
    out = REPO / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "ideas.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
