"""Engine speed on the generated monorepo (issue 4), against LibCST's rename and grep.

    python benchmarks/codemod_bench.py [--files 8000] [--seed 1] [--jobs N] [--sample 40]

Builds the repository once into benchmarks/_work/ (gitignored) with make_repo.generate,
then times, each as a fresh process: `scan` and `run --diff`, each cold (empty cache)
and warm, LibCST's `python -m libcst.tool codemod rename.RenameCommand` on a fixed sample
of files (per file, extrapolated to the tree) and the `grep -rl` floor. Peak memory is
the largest sum of RSS over the command's process tree (sampled from /proc every 20 ms)
and the largest single process (from wait4). Prints the figures, ratios and targets.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_repo import generate  # noqa: E402

from codemods.plan import load_plan  # noqa: E402

WORK = HERE / "_work"
PAGE = os.sysconf("SC_PAGE_SIZE")
RENAME_OLD = "netra_backend.app.services.agent_websocket_bridge.AgentWebSocketBridge"
RENAME_NEW = "compat.agent_websocket_bridge.AgentWebSocketBridge"
# Issue 4 targets (2 cores, 8,000 files).
TARGETS = {"scan": 3.0, "diff_cold": 15.0, "diff_warm": 2.0, "memory_mb": 1024, "speedup": 100}


@dataclass
class Measured:
    wall: float
    tree_peak_mb: float  # largest sum of RSS over the process tree
    proc_peak_mb: float  # largest single process
    returncode: int
    stdout: bytes


def _tree_rss(pid: int) -> int:
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * PAGE
            for tid in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{tid}/children") as f:
                    stack.extend(int(x) for x in f.read().split())
        except (OSError, ValueError, IndexError):
            continue  # the process ended while we looked
    return total


def measure(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> Measured:
    out = tempfile.TemporaryFile()
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    out.seek(0)
    return Measured(wall, peak / 2**20, usage.ru_maxrss / 1024, proc.returncode, out.read())


def build_repo(files: int, seed: int) -> tuple[Path, dict[str, object]]:
    repo = WORK / f"repo-{files}-s{seed}"
    stats_file = WORK / f"repo-{files}-s{seed}.json"
    if repo.is_dir() and stats_file.is_file():
        return repo, json.loads(stats_file.read_text())
    shutil.rmtree(repo, ignore_errors=True)
    WORK.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    stats = generate(repo, files=files, seed=seed)
    info = {
        "files": stats.files,
        "bytes": stats.bytes,
        "legacy_files": stats.legacy_files,
        "seconds": round(time.perf_counter() - started, 1),
    }
    stats_file.write_text(json.dumps(info))
    return repo, info


def sample_files(repo: Path, n: int) -> list[Path]:
    """Every k-th file in path order: a fixed, size-representative sample."""
    every = sorted(
        p.relative_to(repo)
        for p in repo.rglob("*.py")
        if not {"venv", "node_modules", "build"} & set(p.relative_to(repo).parts)
    )
    step = max(1, len(every) // n)
    return every[::step][:n]


def rename_baseline(repo: Path, sample: list[Path]) -> Measured:
    """LibCST's own rename codemod on one core over a copy of the sample."""
    with tempfile.TemporaryDirectory(prefix="libcst-baseline-") as tmp:
        for rel in sample:
            (Path(tmp) / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(repo / rel, Path(tmp) / rel)
        cmd = [sys.executable, "-m", "libcst.tool", "codemod", "rename.RenameCommand",
               f"--old_name={RENAME_OLD}", f"--new_name={RENAME_NEW}",
               "--no-format", "--hide-progress", "-j", "1", "."]  # fmt: skip
        return measure(cmd, Path(tmp))


def grep_floor(repo: Path) -> Measured:
    tokens = [t.decode() for t in load_plan().prefilter_tokens]
    args = [a for t in tokens for a in ("-e", t)]
    cmd = ["grep", "-rlF", "--include=*.py", "--exclude-dir=venv",
           "--exclude-dir=node_modules", "--exclude-dir=build", *args, "."]  # fmt: skip
    return measure(cmd, repo)


def snapshot_code() -> Path:
    """A frozen copy of the packages: the repo may change while the benchmark runs, and
    the cache keys include a hash of the code, so a live tree could turn warm into cold."""
    root = HERE.parent
    dest = WORK / "code-snapshot"
    shutil.rmtree(dest, ignore_errors=True)
    for package in ("codemods", "compat", "target_emitter", "migration_plans"):
        shutil.copytree(
            root / package, dest / package, ignore=shutil.ignore_patterns("__pycache__", ".*")
        )
    return dest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=8000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--sample", type=int, default=40)
    args = parser.parse_args(argv)

    repo, info = build_repo(args.files, args.seed)
    cache = WORK / f"cache-{args.files}-s{args.seed}"
    code = snapshot_code()
    env = {**os.environ, "EMITTER_MIGRATE_CACHE_DIR": str(cache), "PYTHONPATH": str(code)}
    tool = [sys.executable, "-m", "codemods.cli"]
    jobs = ["--jobs", str(args.jobs)]
    mb = int(info["bytes"]) / 1e6  # type: ignore[call-overload]
    print(f"code: a snapshot of the packages in {code.relative_to(HERE.parent)}")
    print(
        f"repo {repo.relative_to(HERE.parent)}: {info['files']} files, {mb:.1f} MB, "
        f"{info['legacy_files']} using a legacy API; {os.cpu_count()} cores, --jobs {args.jobs}"
    )
    try:
        load = os.getloadavg()[0]
        print(f"load average before the run: {load:.2f} (figures are only clean near 0)")
    except OSError:
        pass

    rows: list[tuple[str, Measured, str]] = []
    print(f"\n{'step':<34}{'wall':>9}{'peak RSS tree':>15}{'largest proc':>14}  exit  target")

    def row(name: str, m: Measured, target: str = "") -> Measured:
        rows.append((name, m, target))
        print(
            f"{name:<34}{m.wall:>8.2f}s{m.tree_peak_mb:>12.0f} MB{m.proc_peak_mb:>11.0f} MB"
            f"{m.returncode:>6}  {target}",
            flush=True,
        )
        return m

    floor = row("grep -rl floor", grep_floor(repo)).wall
    shutil.rmtree(cache, ignore_errors=True)  # cold: an empty cache, filled by this run
    scan = [*tool, "scan", ".", "--format", "json", *jobs]
    scan_cold = row("scan cold", measure(scan, repo, env), f"<= {TARGETS['scan']:.0f} s")
    scan_warm = row("scan warm", measure(scan, repo, env), f"<= {TARGETS['scan']:.0f} s")
    shutil.rmtree(cache, ignore_errors=True)
    diff = [*tool, "run", ".", "--diff", *jobs]
    cold = row("run --diff cold", measure(diff, repo, env), f"<= {TARGETS['diff_cold']:.0f} s")
    warm = row("run --diff warm", measure(diff, repo, env), f"<= {TARGETS['diff_warm']:.0f} s")
    sample = sample_files(repo, args.sample)
    base = row(f"libcst rename, {len(sample)} files, -j 1", rename_baseline(repo, sample))

    files = int(info["files"])  # type: ignore[call-overload]
    base_per_file = base.wall / len(sample)
    ours_per_file = cold.wall / files
    print("\nratios")
    print(
        f"  libcst rename: {base_per_file:.3f} s/file -> {base_per_file * files / 60:.1f} min "
        f"for the tree on one core, {base_per_file * files / 60 / args.jobs:.1f} min at "
        f"-j {args.jobs}"
    )
    print(
        f"  run --diff cold: {ours_per_file * 1000:.2f} ms/file over the tree = "
        f"{base_per_file / ours_per_file:.0f}x faster per file than the rename baseline "
        f"(target >= {TARGETS['speedup']}x)"
    )
    print(
        f"  vs grep floor: scan {scan_cold.wall / floor:.1f}x (cold) "
        f"{scan_warm.wall / floor:.1f}x (warm), run --diff {cold.wall / floor:.1f}x (cold) "
        f"{warm.wall / floor:.1f}x (warm)"
    )
    print(f"  run --diff cold -> warm: {cold.wall / warm.wall:.1f}x")
    peak = max(m.tree_peak_mb for _, m, _ in rows[1:5])
    print(f"  peak memory of the tool: {peak:.0f} MB (target <= {TARGETS['memory_mb']} MB)")
    same_diff = cold.stdout == warm.stdout
    same_scan = scan_cold.stdout == scan_warm.stdout
    print(f"  identical output with and without cache: diff {same_diff}, scan {same_scan}")
    try:
        summary = json.loads(scan_cold.stdout)["summary"]
        print(f"  scan summary: {json.dumps(summary)}")
    except (ValueError, KeyError):
        print("  scan output was not JSON")
    diff_files = cold.stdout.count(b"\n+++ b/")
    print(f"  run --diff: {diff_files} files would change")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
