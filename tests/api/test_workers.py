"""`medcite serve --workers 2`: two real uvicorn worker processes on one index; a version published while
clients keep asking is never served mixed or half-written: every response names the old or the new
version, and its hits are that version's passages."""

from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from index.build import build_index
from index.layout import IndexLayout
from ingest.manifest import read_manifest
from tests.api.conftest import _free_port, medcite_serve

PATIENCE_S = 600  # a bound on waiting for two model-loading processes on a loaded machine, never a figure asserted
QUERY = "naloxone for opioid overdose"


def _chunk_ids(version_dir: Path) -> set[str]:
    db = sqlite3.connect(f"file:{version_dir / 'store.sqlite'}?mode=ro", uri=True)
    try:
        return {row[0] for row in db.execute("SELECT chunk_id FROM chunks")}
    finally:
        db.close()


def _workers(pid: int) -> int:
    """Child processes of the server that run uvicorn workers (multiprocessing spawns them)."""
    found = 0
    for entry in Path("/proc").iterdir():
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            found += ppid == pid and b"spawn_main" in (entry / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            continue
    return found


def test_two_workers_switch_versions_under_load_without_mixing(tmp_path: Path, mini_settings, embedder) -> None:
    shutil.copytree(mini_settings.index_dir, tmp_path / "index")
    settings = mini_settings.model_copy(update={"index_dir": tmp_path / "index", "state_dir": tmp_path / "state"})
    layout, port = IndexLayout(settings.index_dir), _free_port()
    old_dir = layout.current_dir()
    url = f"http://127.0.0.1:{port}"
    process = medcite_serve(settings, port, "--workers", "2")
    try:
        deadline = time.monotonic() + PATIENCE_S
        while _workers(process.pid) < 2 or not _ready(url):
            assert process.poll() is None and time.monotonic() < deadline, process.stderr.read() if process.poll() else "no start"
            time.sleep(0.3)
        first = httpx.get(f"{url}/search", params={"q": QUERY, "k": 10}, timeout=60)
        assert first.headers["x-index-version"] == old_dir.name
        removed = first.json()[0]["doc_id"]  # the new version lacks the old one's best document

        seen: list[tuple[str, str, object]] = []  # (route, header version, what the body says)
        stop, errors = threading.Event(), []

        def client(route: str) -> None:
            with httpx.Client(base_url=url, timeout=120) as http:
                while not stop.is_set():
                    try:
                        if route == "search":
                            r = http.get("/search", params={"q": QUERY, "k": 10})
                            body = [(h["chunk_id"], h["doc_id"]) for h in r.json()]
                        elif route == "ask":
                            r = http.post("/ask", json={"question": "When should clinicians offer naloxone?"})
                            body = r.json()["index_version"]
                        else:
                            r = http.get("/health")
                            body = r.json()["version"]
                        assert r.status_code == 200, r.text
                        seen.append((route, r.headers["x-index-version"], body))
                    except Exception as exc:  # noqa: BLE001 - reported below, with the response
                        errors.append(repr(exc))

        threads = [threading.Thread(target=client, args=(route,)) for route in ("search", "search", "health", "ask")]
        for thread in threads:
            thread.start()
        time.sleep(2)
        layout.set_removed({removed})
        report = build_index(settings, read_manifest(settings.manifest), lambda: embedder, show_progress=False)
        published = report.version
        assert published and published != old_dir.name
        switched = time.monotonic() + PATIENCE_S
        while sum(1 for route, version, _ in list(seen) if version == published and route == "search") < 10:
            assert time.monotonic() < switched and not errors, errors
            time.sleep(0.2)
        stop.set()
        for thread in threads:
            thread.join(timeout=180)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
    assert not errors, errors[:3]
    chunks = {old_dir.name: _chunk_ids(old_dir), published: _chunk_ids(layout.versions / published)}
    assert {version for _, version, _ in seen} == set(chunks)  # both served; nothing else ever was
    for route, version, body in seen:
        if route == "search":
            assert body and {chunk for chunk, _ in body} <= chunks[version]
            assert version == old_dir.name or removed not in {doc for _, doc in body}
        else:
            assert body == version  # the answer or health names the version the whole request used
    assert any(route == "ask" for route, _, _ in seen)


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def test_each_worker_takes_its_share_of_the_cores() -> None:
    """N workers on C cores: C / N threads each (at least one); N from MEDCITE_WORKERS, else from the
    `--workers N` of the process that started them (a real process here, read through /proc)."""
    from api.workers import threads_per_worker, worker_count

    assert worker_count({"MEDCITE_WORKERS": "4"}) == 4
    parent = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "serve", "--workers", "3"])
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "serve", "--workers=2"])
    plain = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "serve"])
    try:
        deadline = time.monotonic() + 30
        while not all(Path(f"/proc/{p.pid}/cmdline").read_bytes().count(b"serve") for p in (parent, other, plain)):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert worker_count({}, parent.pid) == 3 and worker_count({}, other.pid) == 2 and worker_count({}, plain.pid) == 1
    finally:
        for p in (parent, other, plain):
            p.kill()
            p.wait()
    assert threads_per_worker(2, cores=2) == 1 and threads_per_worker(1, cores=2) == 2 and threads_per_worker(4, cores=2) == 1
    assert threads_per_worker(2, cores=16) == 8
