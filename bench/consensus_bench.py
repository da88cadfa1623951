"""Benchmark (not a test): the opinion-group engine (`cocreate.consensus.engine`) side by
side with red-dwarf, the reference Python implementation of the Pol.is pipeline.

    .venv/bin/python bench/consensus_bench.py [--repeats 5] [--cap 120]
        [--data /work/shared/data/polis] [--reddwarf-version 0.4.0]

1. Full recomputation on the four shared Pol.is conversations: our `compute` and
   red-dwarf's `reddwarf.implementations.polis.run_pipeline` (PCA + "polis"-initialised
   k-means with a silhouette choice of k), groups found and adjusted Rand index (ARI)
   against the groups Pol.is published.
2. Synthetic 10,000 participants x 1,000 statements x 1,000,000 votes (4 planted
   groups): our full recompute, the incremental recompute after 100 more votes (passing
   the previous `Result.state`), and red-dwarf's full run unless it exceeds `--cap` s.
3. Peak memory of every case, each in a fresh subprocess that does only that case.

red-dwarf is installed only in the benchmark's own venv (`var/bench-venv-reddwarf`,
created or reused here with `python -m venv` and pip), never in the project's, and its
part runs in a subprocess with that interpreter. Our part also runs in subprocesses of
the project's interpreter, so both sides are measured the same way.

What is timed: from a loaded vote table to groups (and everything else each pipeline
computes: representative statements, consensus, priorities). CSV parsing is excluded on
both sides: this process reads each export once with `polis.read_export` and hands both
sides the same timestamp-ordered vote log in an .npz file. Ours is timed from that raw
log (repeated votes included; `compute` keeps the latest). red-dwarf's `run_pipeline`
takes a list of vote dicts with one vote per pair, so the latest vote per pair is kept
and the dicts are built before its clock starts (reported separately as "input prep").
Each side gets one untimed warm-up run, then `--repeats` timed runs; median and min are
reported, and the speed ratio is red-dwarf median / our median from the same run.

Results are printed and written to bench/results/consensus.json. Talks to PyPI through
pip only (to create the red-dwarf venv); everything else is local.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results" / "consensus.json"
DEFAULT_DATA = Path(os.environ.get("COCREATE_POLIS_DATA", REPO.parent / "shared/data/polis"))
DATASETS = [
    "london.youth.policing",
    "15-per-hour-seattle",
    "scoop-hivemind.biodiversity",
    "vtaiwan.uberx",
]
SYNTHETIC = {"participants": 10_000, "statements": 1_000, "groups": 4, "votes": 1_000_000}
NEW_VOTES = 100
TARGET_RATIO = 5.0  # ours at least 5x faster than red-dwarf on vtaiwan.uberx
TARGET_SECONDS = 10.0  # the 1M-vote full recompute


# -- measuring inside a worker (runs under either interpreter: stdlib + numpy only) ------


def _status() -> dict[str, int]:
    """VmRSS / VmHWM of this process in kB (Linux)."""
    out = {}
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, value = line.split(":")
                out[key] = int(value.split()[0])
    return out


class Peak:
    """Peak resident memory of a block: the kernel's high-water mark is reset at the
    start (`/proc/self/clear_refs`), so earlier peaks (loading the input) don't hide
    the block's own. Falls back to getrusage's ru_maxrss where that is not possible."""

    def __enter__(self) -> Peak:
        import resource

        gc.collect()
        self.before_kb = _status()["VmRSS"]
        try:
            with open("/proc/self/clear_refs", "w") as handle:
                handle.write("5")
            self.method = "VmHWM after clear_refs"
        except OSError:
            self.method = "ru_maxrss"
            self.before_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return self

    def __exit__(self, *exc: object) -> None:
        import resource

        if self.method == "ru_maxrss":
            self.peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        else:
            self.peak_kb = _status()["VmHWM"]


class CapExceeded(Exception):
    pass


def _on_alarm(signum: int, frame: object) -> None:
    raise CapExceeded


def timed_runs(run: Any, repeats: int, cap: float | None) -> dict[str, Any]:
    """One untimed warm-up, then `repeats` timed runs. With a cap, a run longer than
    `cap` seconds (the warm-up included) stops the case."""
    times: list[float] = []
    if cap:
        signal.signal(signal.SIGALRM, _on_alarm)
    out: Any = None
    for i in range(repeats + 1):
        if cap:
            signal.setitimer(signal.ITIMER_REAL, cap)
        start = time.perf_counter()
        try:
            out = run()
        except CapExceeded:
            return {"skipped": f"a run took longer than {cap:g} s", "seconds": times}
        finally:
            if cap:
                signal.setitimer(signal.ITIMER_REAL, 0)
        if i:
            times.append(time.perf_counter() - start)
    return {"seconds": times, "output": out}


def mb(kb: int) -> float:
    return round(kb / 1024, 1)


def worker(args: argparse.Namespace) -> None:
    import numpy as np

    libs = _status()["VmRSS"]  # this process has only imported numpy so far
    if args.worker == "ours":
        from cocreate.consensus import engine

        libs = _status()["VmRSS"]
        prepare, run, labels = _ours(engine, np, args.case)
    else:
        from reddwarf.implementations import polis

        libs = _status()["VmRSS"]
        prepare, run, labels = _reddwarf(polis, np, args.case)
    prep_start = time.perf_counter()
    prepare()
    prep_seconds = time.perf_counter() - prep_start
    report: dict[str, Any] = {"prep_seconds": prep_seconds}
    if args.mode == "memory":
        with Peak() as peak:
            out = run()
        report.update(
            method=peak.method,
            libs_mb=mb(libs),
            before_mb=mb(peak.before_kb),
            peak_mb=mb(peak.peak_kb),
            run_mb=mb(peak.peak_kb - peak.before_kb),
            with_input_mb=mb(peak.peak_kb - libs),
        )
    else:
        timing = timed_runs(run, args.repeats, args.cap)
        out = timing.pop("output", None)
        report.update(timing)
    if out is not None:
        report.update(labels(out))
    Path(args.out).write_text(json.dumps(report))


def _load(np: Any, path: str) -> dict[str, Any]:
    with np.load(path) as data:
        return {key: data[key] for key in data.files}


def _ours(engine: Any, np: Any, case: str) -> tuple[Any, Any, Any]:
    data = _load(np, case)
    incremental = "new_participants" in data and os.environ.get("BENCH_INCREMENTAL") == "1"
    state: dict[str, Any] = {}

    def prepare() -> None:
        votes = engine.Votes(data["participants"], data["statements"], data["values"])
        state["votes"] = votes
        if incremental:
            # The platform keeps only the State between runs, not the Result.
            state["previous"] = compute(votes).state
            state["votes"] = engine.Votes(
                np.concatenate([votes.participants, data["new_participants"]]),
                np.concatenate([votes.statements, data["new_statements"]]),
                np.concatenate([votes.values, data["new_values"]]),
            )

    def compute(votes: Any, previous: Any = None) -> Any:
        join = data["join_order"] if len(data["join_order"]) else None
        return engine.compute(votes, data["moderated_out"], previous, join_order=join)

    def run() -> Any:
        return compute(state["votes"], state.get("previous"))

    def labels(result: Any) -> dict[str, Any]:
        placed = np.flatnonzero(result.placed)
        return {
            "groups": len(result.groups),
            "participants": len(result.matrix.participant_ids),
            "ids": result.matrix.participant_ids[placed].tolist(),
            "labels": result.group_of[placed].tolist(),
        }

    return prepare, run, labels


def _reddwarf(polis: Any, np: Any, case: str) -> tuple[Any, Any, Any]:
    import pandas as pd

    data = _load(np, case)
    state: dict[str, Any] = {}

    def prepare() -> None:
        # run_pipeline pivots the votes, which needs one vote per pair: keep the
        # latest (the log is in timestamp order), as red-dwarf's own Loader does.
        frame = pd.DataFrame(
            {
                "participant_id": data["participants"],
                "statement_id": data["statements"],
                "vote": data["values"].astype(np.int64),
                "modified": data["timestamps"],
            }
        ).drop_duplicates(["participant_id", "statement_id"], keep="last")
        state["votes"] = frame.to_dict("records")
        del frame

    def run() -> Any:
        return polis.run_pipeline(
            votes=state["votes"],
            reducer="pca",
            clusterer="kmeans",
            mod_out_statement_ids=data["moderated_out"].tolist(),
            min_user_vote_threshold=7,
            max_group_count=5,
            random_state=0,
        )

    def labels(result: Any) -> dict[str, Any]:
        frame = result.participants_df
        clustered = frame[frame["to_cluster"]]
        return {
            "groups": int(result.clusterer.n_clusters) if result.clusterer else 0,
            "participants": len(frame),
            "ids": [int(i) for i in clustered.index],
            "labels": [int(g) for g in clustered["cluster_id"]],
        }

    return prepare, run, labels


# -- the orchestrating process (project venv) ------------------------------------------


def reddwarf_python(version: str) -> Path:
    """Create or reuse var/bench-venv-reddwarf with exactly red-dwarf==version."""
    venv = REPO / "var" / "bench-venv-reddwarf"
    python = venv / "bin" / "python"
    probe = "import importlib.metadata as m; print(m.version('red-dwarf'))"
    if python.exists():
        found = subprocess.run([python, "-c", probe], capture_output=True, text=True)
        if found.returncode == 0 and found.stdout.strip() == version:
            return python
    else:
        print(f"creating {venv.relative_to(REPO)}", flush=True)
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    print(f"installing red-dwarf=={version} into {venv.relative_to(REPO)}", flush=True)
    subprocess.run([python, "-m", "pip", "install", "--quiet", f"red-dwarf=={version}"], check=True)
    return python


def versions(python: Path | str, names: list[str]) -> dict[str, str]:
    code = (
        "import importlib.metadata as m, json, platform\n"
        f"found = {{n: m.version(n) for n in {names!r}}}\n"
        "print(json.dumps({'python': platform.python_version(), **found}))"
    )
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def ari(a: list[int], b: list[int]) -> float:
    """Adjusted Rand index of two labelings of the same items."""
    import numpy as np

    if len(a) < 2:
        return float("nan")
    _, x = np.unique(a, return_inverse=True)
    _, y = np.unique(b, return_inverse=True)
    table = np.zeros((x.max() + 1, y.max() + 1))
    np.add.at(table, (x, y), 1)

    def pairs(n: Any) -> float:
        return float((n * (n - 1) / 2).sum())

    index, rows, cols = pairs(table), pairs(table.sum(1)), pairs(table.sum(0))
    expected = rows * cols / pairs(np.array([len(a)]))
    top = (rows + cols) / 2
    return 1.0 if top == expected else (index - expected) / (top - expected)


def ari_against(result: dict[str, Any], truth: dict[int, int]) -> tuple[float, int]:
    """ARI over the participants both placed; and how many those are."""
    mine = dict(zip(result["ids"], result["labels"], strict=True))
    common = sorted(set(mine) & set(truth))
    return ari([mine[i] for i in common], [truth[i] for i in common]), len(common)


def run_worker(
    python: Path | str,
    which: str,
    case: Path,
    mode: str,
    repeats: int,
    cap: float | None,
    env: dict[str, str] | None = None,
) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    command = [
        str(python),
        "-W",
        "ignore",
        str(Path(__file__).resolve()),
        "--worker",
        which,
        "--case",
        str(case),
        "--mode",
        mode,
        "--repeats",
        str(repeats),
        "--out",
        str(out),
    ]
    if cap:
        command += ["--cap", str(cap)]
    # A safety net in case the worker's own cap cannot interrupt a run.
    limit = None if not cap else cap * (repeats + 2) + 300
    try:
        proc = subprocess.run(
            command,
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
            capture_output=True,
            text=True,
            timeout=limit,
        )
        if proc.returncode != 0 or not out.stat().st_size:
            tail = proc.stderr.strip().splitlines()[-5:]
            return {"error": f"worker exited {proc.returncode}: " + " | ".join(tail)}
        return json.loads(out.read_text())
    except subprocess.TimeoutExpired:
        return {"skipped": f"killed after {limit} s"}
    finally:
        out.unlink(missing_ok=True)


def summarise(timing: dict[str, Any]) -> dict[str, Any]:
    seconds = timing.get("seconds") or []
    out = {k: v for k, v in timing.items() if k not in ("ids", "labels")}
    if seconds and "skipped" not in timing:
        out["median_s"] = statistics.median(seconds)
        out["min_s"] = min(seconds)
    return out


def export_case(folder: Path, tmp: Path) -> tuple[Path, dict[str, Any]]:
    import numpy as np

    from cocreate.consensus import polis

    export = polis.read_export(folder)
    votes = export.votes
    path = tmp / f"{folder.name}.npz"
    np.savez(
        path,
        participants=votes.participants,
        statements=votes.statements,
        values=votes.values,
        timestamps=export.timestamps,
        moderated_out=np.asarray(export.moderated_out, dtype=np.int64),
        join_order=export.join_order,
    )
    info = {
        "votes": len(votes.values),
        "moderated_out": len(export.moderated_out),
        "published_groups": int(export.summary.get("groups", 0) or 0),
        "published_placed": len(export.published_groups),
    }
    return path, {"info": info, "truth": export.published_groups}


def synthetic_case(tmp: Path, seed: int) -> tuple[Path, dict[str, Any]]:
    import numpy as np

    from cocreate.consensus import synthetic

    n, m = SYNTHETIC["participants"], SYNTHETIC["statements"]
    planted = synthetic.planted(
        n,
        m,
        SYNTHETIC["groups"],
        0.9,
        fidelity=0.85,
        pass_rate=0.05,
        seed=seed,
        votes=SYNTHETIC["votes"],
    )
    votes = planted.votes
    # 100 more votes, drawn the same way (some may change an earlier vote).
    rng = np.random.default_rng(seed + 1)
    who = rng.integers(n, size=NEW_VOTES)
    what = rng.integers(m, size=NEW_VOTES)
    stance = planted.stances[planted.truth[who], what]
    draw = rng.random(NEW_VOTES)
    new = np.where(draw < 0.85, stance, np.where(draw < 0.9, 0, -stance)).astype(np.int8)
    path = tmp / "synthetic.npz"
    np.savez(
        path,
        participants=votes.participants,
        statements=votes.statements,
        values=votes.values,
        timestamps=np.arange(len(votes.values), dtype=np.int64),
        moderated_out=np.zeros(0, dtype=np.int64),
        join_order=np.zeros(0, dtype=np.int64),
        new_participants=who.astype(np.int64),
        new_statements=what.astype(np.int64),
        new_values=new,
    )
    truth = {i: int(g) for i, g in enumerate(planted.truth)}
    info = {"votes": len(votes.values), "published_groups": SYNTHETIC["groups"]}
    return path, {"info": info, "truth": truth}


def engine_hash() -> str:
    """The engine is still changing: record which version was measured."""
    source = REPO / "cocreate" / "consensus" / "engine.py"
    return hashlib.sha256(source.read_bytes()).hexdigest()[:12]


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def fmt_s(case: dict[str, Any]) -> str:
    if "median_s" not in case:
        return case.get("skipped") or case.get("error") or "-"
    return f"{case['median_s']:.3f} ({case['min_s']:.3f})"


def ratio(rd: dict[str, Any], ours: dict[str, Any]) -> float | None:
    if "median_s" in rd and "median_s" in ours:
        return rd["median_s"] / ours["median_s"]
    return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--cap", type=float, default=120.0, help="red-dwarf limit per run, s")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--reddwarf-version", default="0.4.0")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-synthetic", action="store_true")
    parser.add_argument(
        "--blas-threads",
        type=int,
        help="set OPENBLAS/OMP/MKL_NUM_THREADS for both sides (default: library defaults)",
    )
    parser.add_argument("--results", type=Path, default=RESULTS, help="where to write the JSON")
    parser.add_argument("--worker", choices=["ours", "reddwarf"])
    parser.add_argument("--case")
    parser.add_argument("--mode", choices=["time", "memory"], default="time")
    parser.add_argument("--out")
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return

    sys.path.insert(0, str(REPO))
    rd_python = reddwarf_python(args.reddwarf_version)
    started = datetime.now(UTC)
    report: dict[str, Any] = {
        "started": started.isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "usable_cpus": len(os.sched_getaffinity(0)),
            "platform": platform.platform(),
            "load_average_start": load_average(),
        },
        "versions": {
            "ours": versions(sys.executable, ["numpy", "scipy"]),
            "red-dwarf": versions(
                rd_python, ["red-dwarf", "numpy", "scipy", "pandas", "scikit-learn"]
            ),
        },
        "engine_sha256": engine_hash(),
        "blas_threads": args.blas_threads or "library default",
        "repeats": args.repeats,
        "cap_s": args.cap,
        "timed": "compute(votes) from the raw vote log vs run_pipeline(votes=dicts); "
        "CSV parsing excluded on both sides",
        "datasets": {},
    }
    print(f"load average {report['machine']['load_average_start']}", flush=True)
    if args.blas_threads:
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[name] = str(args.blas_threads)
    ours_python = sys.executable
    with tempfile.TemporaryDirectory(prefix="consensus-bench-") as tmpdir:
        tmp = Path(tmpdir)
        cases = [(name, *export_case(args.data / name, tmp)) for name in DATASETS]
        if not args.skip_synthetic:
            cases.append(("synthetic 1M", *synthetic_case(tmp, args.seed)))
        for name, path, meta in cases:
            print(f"{name}: timing ours", flush=True)
            ours = run_worker(ours_python, "ours", path, "time", args.repeats, None)
            print(f"{name}: timing red-dwarf", flush=True)
            rd = run_worker(rd_python, "reddwarf", path, "time", args.repeats, args.cap)
            print(f"{name}: memory", flush=True)
            ours_mem = run_worker(ours_python, "ours", path, "memory", 1, None)
            rd_mem = (
                run_worker(rd_python, "reddwarf", path, "memory", 1, args.cap)
                if "skipped" not in rd
                else {"skipped": rd["skipped"]}
            )
            entry: dict[str, Any] = {
                **meta["info"],
                "ours": summarise(ours),
                "red-dwarf": summarise(rd),
                "memory": {"ours": summarise(ours_mem), "red-dwarf": summarise(rd_mem)},
            }
            for side, result in (("ours", ours), ("red-dwarf", rd)):
                if "ids" in result:
                    value, common = ari_against(result, meta["truth"])
                    entry[side]["ari"] = value
                    entry[side]["ari_over"] = common
                    entry[side]["placed"] = len(result["ids"])
            if "ids" in ours and "ids" in rd:
                truth = dict(zip(rd["ids"], rd["labels"], strict=True))
                entry["ari_ours_vs_reddwarf"] = ari_against(ours, truth)[0]
            entry["ratio"] = ratio(entry["red-dwarf"], entry["ours"])
            if entry["ratio"] is not None:
                entry["ratio_of_mins"] = entry["red-dwarf"]["min_s"] / entry["ours"]["min_s"]
            if name.startswith("synthetic"):
                print(f"{name}: incremental", flush=True)
                incremental = {"BENCH_INCREMENTAL": "1"}
                inc = run_worker(ours_python, "ours", path, "time", args.repeats, None, incremental)
                inc_mem = run_worker(ours_python, "ours", path, "memory", 1, None, incremental)
                entry["incremental"] = summarise(inc)
                entry["incremental"]["memory"] = summarise(inc_mem)
                if "ids" in inc:
                    entry["incremental"]["ari"] = ari_against(inc, meta["truth"])[0]
                    full = dict(zip(ours["ids"], ours["labels"], strict=True))
                    entry["incremental"]["ari_vs_full"] = ari_against(inc, full)[0]
                report["synthetic"] = entry
            else:
                report["datasets"][name] = entry

    report["machine"]["load_average_end"] = load_average()
    if engine_hash() != report["engine_sha256"]:
        report["engine_changed_during_run"] = engine_hash()
    report["seconds"] = round((datetime.now(UTC) - started).total_seconds(), 1)
    vt = report["datasets"].get("vtaiwan.uberx", {})
    syn = report.get("synthetic", {})
    report["targets"] = {
        "vtaiwan_ratio_at_least_5": (vt.get("ratio") or 0) >= TARGET_RATIO,
        "synthetic_full_under_10_s": syn.get("ours", {}).get("median_s", 1e9) < TARGET_SECONDS,
    }
    print_table(report)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {args.results}")


def print_table(report: dict[str, Any]) -> None:
    def num(x: Any, spec: str = ".3f") -> str:
        return "-" if x is None else format(x, spec)

    def mem(entry: dict[str, Any], side: str) -> str:
        return num(entry["memory"][side].get("run_mb"), ".0f")

    rows = list(report["datasets"].items())
    if "synthetic" in report:
        rows.append(("synthetic 1M (full)", report["synthetic"]))
    print()
    print(
        "| dataset | votes | groups ours / red-dwarf / Pol.is | ARI ours / red-dwarf "
        "| ours s median (min) | red-dwarf s median (min) | ratio "
        "| MB above input ours / red-dwarf |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, e in rows:
        ours, rd = e["ours"], e["red-dwarf"]
        print(
            f"| {name} | {e['votes']:,} "
            f"| {ours.get('groups', '-')} / {rd.get('groups', '-')} / {e['published_groups']} "
            f"| {num(ours.get('ari'))} / {num(rd.get('ari'))} "
            f"| {fmt_s(ours)} | {fmt_s(rd)} | {num(e.get('ratio'), '.1f')}x "
            f"| {mem(e, 'ours')} / {mem(e, 'red-dwarf')} |"
        )
    if "synthetic" in report:
        inc = report["synthetic"]["incremental"]
        print(
            f"\nincremental (+{NEW_VOTES} votes, previous state): {fmt_s(inc)} s, "
            f"peak {num(inc['memory'].get('run_mb'), '.0f')} MB, "
            f"ARI vs planted {num(inc.get('ari'))}, vs full {num(inc.get('ari_vs_full'))}"
        )
    print(f"\ntargets: {report['targets']}")
    print(
        f"engine {report['engine_sha256']}, BLAS threads {report['blas_threads']}, "
        f"red-dwarf {report['versions']['red-dwarf']['red-dwarf']}, {report['seconds']} s"
    )
    print(
        f"load average start {report['machine']['load_average_start']}, "
        f"end {report['machine']['load_average_end']}"
    )


if __name__ == "__main__":
    main()
