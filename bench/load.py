"""Load on a real server over loopback: N client threads for S seconds; requests/s, p50/p95 per route,
errors, and the server's RSS after warm-up and at the end.

    .venv/bin/python bench/load.py [--clients 16] [--seconds 60]      # builds a small index, starts `medcite serve`
    .venv/bin/python bench/load.py --workers 1,2 [--index-dir var/scale/1000000]   # one run per worker count
    .venv/bin/python bench/load.py --workers 1:2,1:1,2:1   # workers:threads per process (MEDCITE_THREADS)
    .venv/bin/python bench/load.py --url http://127.0.0.1:8000 --token mc_… [--pid PID]

Without --url it cuts the small test corpus from the shared data (tests/utils/corpus.py), ingests it
into a temporary index (embeddings cached in var/cache, so only the first run embeds), and serves it
with its own state dir (or serves --index-dir as it is). With --workers 1,2 the same index is served by
`medcite serve --workers N` for each N in turn, and the runs are compared; memory is then the sum over the
server's processes, as RSS and as PSS (shared pages of the mapped index counted once). Bounded: loopback only,
at most --max-requests requests, each with a timeout.

Threads: `W:T` serves with W workers of T threads each (torch, onnxruntime, BLAS: the `threads` setting);
a bare `W` leaves the server's default (one process: torch's own, all cores; W workers: cores / W each,
api/workers.py). The comparison at the end sets the best 2-worker run against the best 1-worker run, so
each side is configured its best way, and says how each was configured.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlparse

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUESTIONS = [
    "What is the recommended approach to tapering opioids?",
    "When should clinicians offer naloxone?",
    "Does helicopter transport impair intubation by flight nurses?",
    "What is adult acute lymphoblastic leukemia?",
    "Is there a relationship between rheumatoid arthritis and periodontal disease?",
    "Why was the Hib vaccine recalled?",
]
SEARCHES = ["opioid dosage threshold for chronic pain", "naloxone overdose", "periodontal disease", "leukemia treatment"]
# One request in 8 asks (composing an answer costs far more than the rest); the others read.
MIX = ["ask", "search", "health", "search", "review", "health", "search", "review"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prepare(work: Path, index_dir: Path | None) -> tuple[dict[str, str], str]:
    """The environment of a server on a small index built in `work` (or on `index_dir`), and an editor token."""
    from app.tokens import TokenStore
    from core.settings import Settings
    from tests.utils.corpus import make_mini_corpus

    data = make_mini_corpus(Settings().data_dir, work / "data")
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
        "MEDCITE_DATA_DIR": str(data),
        "MEDCITE_MANIFEST": str(data / "manifest.jsonl"),
        "MEDCITE_INDEX_DIR": str(index_dir or work / "index"),
        "MEDCITE_STATE_DIR": str(work / "state"),
    }
    if index_dir is None:
        print("building the small index …", flush=True)
        subprocess.run([sys.executable, "-m", "medcite", "ingest", "-q"], cwd=ROOT, env=env, check=True)
    return env, TokenStore(work / "state" / "tokens.json").create("bench", "editor")


def _start_server(work: Path, env: dict[str, str], workers: int, threads: int = 0) -> tuple[subprocess.Popen, str]:
    """`python -m medcite serve --workers N` (MEDCITE_THREADS=threads when given); returns (process, url) once it answers."""
    port = _free_port()
    log = (work / f"server-{workers}.log").open("w")
    env = {**env, "MEDCITE_THREADS": str(threads)} if threads else {k: v for k, v in env.items() if k != "MEDCITE_THREADS"}
    server = subprocess.Popen(
        [sys.executable, "-m", "medcite", "serve", "--port", str(port), "--workers", str(workers)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server exited ({server.returncode}); see {work / f'server-{workers}.log'}")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200 and len(_processes(server.pid)) >= workers:
                return server, url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    server.kill()
    sys.exit("the server did not start within 600 s")


def _processes(pid: int) -> list[int]:
    """The server and its worker processes (uvicorn's workers are its children)."""
    found = [pid]
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
        except (OSError, ValueError, IndexError):
            continue
    return found if len(found) == 1 else found[1:]  # with workers, the supervisor itself only watches


def _memory_mb(pid: int | None) -> tuple[float, float] | None:
    """(RSS, PSS) summed over the serving processes."""
    if pid is None:
        return None
    rss = pss = 0.0
    for process in _processes(pid):
        for line in Path(f"/proc/{process}/smaps_rollup").read_text().splitlines():
            if line.startswith(("Rss:", "Pss:")):
                value = int(line.split()[1]) / 1024
                rss, pss = (rss + value, pss) if line.startswith("Rss:") else (rss, pss + value)
    return rss, pss


def _cpu_seconds(pid: int | None) -> float:
    """User + system CPU time of the serving processes so far (for the cores they kept busy)."""
    if pid is None:
        return 0.0
    total = 0
    for process in _processes(pid):
        try:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))
        except (OSError, ValueError, IndexError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


def _request(client: httpx.Client, route: str, n: int, auth: dict[str, str]) -> httpx.Response:
    if route == "ask":
        return client.post("/ask", json={"question": QUESTIONS[n % len(QUESTIONS)]})
    if route == "search":
        return client.get("/search", params={"q": SEARCHES[n % len(SEARCHES)], "k": 10})
    if route == "review":
        return client.get("/answers", params={"limit": 50}, headers=auth)
    return client.get("/health")


def run(url: str, token: str | None, clients: int, seconds: float, max_requests: int) -> tuple[dict, int, float]:
    auth = {"Authorization": f"Bearer {token}"} if token else {}
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    counter = itertools.count()
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client_loop(index: int) -> None:
        with httpx.Client(base_url=url, timeout=120) as client:
            for step in itertools.count(index):
                n = next(counter)
                if n >= max_requests or time.monotonic() >= stop:
                    return
                route = MIX[step % len(MIX)]
                started = time.perf_counter()
                try:
                    ok = _request(client, route, n, auth).status_code < 400
                except httpx.HTTPError:
                    ok = False
                elapsed = time.perf_counter() - started
                with lock:
                    latencies[route].append(elapsed)
                    if not ok:
                        errors[route] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=client_loop, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"latencies": latencies, "errors": errors}, sum(len(v) for v in latencies.values()), time.monotonic() - started


def _warm_up(url: str, token: str | None, clients: int, seconds: float) -> None:
    """Every question once, then the full load for a while: the server's thread pool, caches and
    allocator arenas reach their working size before the first RSS reading."""
    auth = {"Authorization": f"Bearer {token}"} if token else {}
    with httpx.Client(base_url=url, timeout=120) as client:
        for n in range(len(QUESTIONS)):
            for route in ("ask", "search", "health", "review"):
                _request(client, route, n, auth)
    run(url, token, clients, seconds, 10_000)


def report(label: str, result: dict, total: int, elapsed: float, memory: tuple, cpu: tuple[float, float] = (0.0, 0.0)) -> float:
    rate = total / elapsed
    print(f"\n{label}: {elapsed:.1f} s, {total} requests: {rate:.1f} requests/s")
    server, client = cpu
    if server:
        print(
            f"CPU: server {server / elapsed:.2f} cores busy ({server * 1000 / max(total, 1):.1f} ms per request), "
            f"this load generator {client / elapsed:.2f} cores"
        )
    print(f"{'route':<8} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}")
    for route in ("ask", "search", "health", "review"):
        times = sorted(result["latencies"].get(route, []))
        if not times:
            continue
        p50 = statistics.median(times) * 1000
        p95 = times[min(len(times) - 1, int(0.95 * len(times)))] * 1000
        print(f"{route:<8} {len(times):>6} {p50:>8.1f} {p95:>8.1f} {result['errors'].get(route, 0):>7}")
    print(f"errors: {sum(result['errors'].values())}")
    (rss_start, pss_start), (rss_end, pss_end) = memory
    if rss_start:
        print(
            f"server RSS: {rss_start:.0f} MB after warm-up, {rss_end:.0f} MB at the end "
            f"({(rss_end / rss_start - 1) * 100:+.1f}%); "
            f"PSS {pss_start:.0f} → {pss_end:.0f} MB"
        )
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="A running server (loopback only); default: start one on a small index.")
    parser.add_argument("--token", help="An editor token for the review queue (with --url).")
    parser.add_argument("--pid", type=int, help="The server's process id, for its RSS (with --url).")
    parser.add_argument(
        "--workers",
        default="1",
        help="Server processes, or a list (1,2) to compare, each W or W:T (T threads per process) (without --url).",
    )
    parser.add_argument("--index-dir", type=Path, help="Serve this index instead of building the small one.")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--warm-up", type=float, default=15, help="Seconds of full load before the first RSS reading.")
    args = parser.parse_args()
    if not 1 <= args.clients <= 256 or not 1 <= args.seconds <= 3600:
        parser.error("--clients 1..256 and --seconds 1..3600")
    if args.url and urlparse(args.url).hostname not in {"127.0.0.1", "localhost", "::1"}:
        parser.error("--url must be a loopback address")

    work = tempfile.TemporaryDirectory(prefix="medcite-load-")
    rates = {}
    try:
        env, token = (None, args.token) if args.url else _prepare(Path(work.name), args.index_dir and args.index_dir.resolve())
        configs = (
            [tuple(int(x) for x in (w.split(":") + ["0"])[:2]) for w in args.workers.split(",")] if not args.url else [(0, 0)]
        )
        for run_number, (workers, threads) in enumerate(configs):
            server, pid, url = None, args.pid, args.url
            if url is None:
                # Each run on a fresh copy of the state (its token, no stored answers): the review queue grows
                # with every answer asked, and a run must not pay for the answers of the runs before it.
                state = Path(work.name) / f"state-{run_number}"
                shutil.copytree(Path(env["MEDCITE_STATE_DIR"]), state)
                server, url = _start_server(Path(work.name), {**env, "MEDCITE_STATE_DIR": str(state)}, workers, threads)
                pid = server.pid
            try:
                _warm_up(url, token, args.clients, args.warm_up)
                start = _memory_mb(pid) or (0, 0)
                cpu_before, mine_before = _cpu_seconds(pid), sum(os.times()[:2])
                result, total, elapsed = run(url, token, args.clients, args.seconds, args.max_requests)
                cpu = (_cpu_seconds(pid) - cpu_before, sum(os.times()[:2]) - mine_before)
                end = _memory_mb(pid) or (0, 0)
            finally:
                if server is not None:
                    server.terminate()
                    server.wait(timeout=60)
            how = f"{threads} thread(s) each" if threads else "default threads"
            label = f"{workers} worker(s), {how}, {args.clients} clients" if workers else f"{args.clients} clients"
            rate = report(label, result, total, elapsed, (start, end), cpu)
            rates[(workers, threads)] = max(rate, rates.get((workers, threads), 0.0))  # a config run twice: its best
            print(f"load average {os.getloadavg()[0]:.2f} at the end of this run", flush=True)
    finally:
        work.cleanup()
    counts = sorted({w for w, _ in rates})
    if len(counts) > 1:
        best = {w: max(((r, t) for (ww, t), r in rates.items() if ww == w)) for w in counts}
        base_rate, base_threads = best[counts[0]]
        name = lambda w, t: f"{w} worker(s) x {t or 'default'} thread(s)"  # noqa: E731
        for w in counts[1:]:
            rate, threads = best[w]
            print(
                f"\nbest {name(w, threads)}: {rate:.1f} req/s = {rate / base_rate:.2f}x "
                f"the best {name(counts[0], base_threads)}: "
                f"{base_rate:.1f} req/s (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
            )


if __name__ == "__main__":
    main()
