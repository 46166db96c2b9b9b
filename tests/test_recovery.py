"""Kill -9 of real processes mid-write, then restart: nothing unacknowledged is indexed, the index serves.

The server and the ingest run as real subprocesses (`python -m medcite`) on a copy of the mini index;
the kill points are found by watching the files they write, never by timing.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from api.auth import TokenStore
from core.settings import UPLOADS, Settings
from index.layout import IndexLayout
from index.search import Searcher
from index.store import Store
from ingest.uploads import PENDING

ROOT = Path(__file__).resolve().parent.parent
# A marker word nothing in the corpus contains, and enough distinct sentences that the rebuild
# (embedding them) takes seconds: the kill lands after the pending record, before the publish.
MARKER = "zorblaxian"
UPLOAD = "# Zorblaxian syndrome\n\n" + "\n".join(
    f"Case {i}: the {MARKER} syndrome presented with symptom number {i} and was treated with regimen {i * 7 % 13}."
    for i in range(400)
)


@pytest.fixture()
def settings(mini_settings: Settings, tmp_path: Path) -> Settings:
    shutil.copytree(mini_settings.index_dir, tmp_path / "index")
    return mini_settings.model_copy(update={"index_dir": tmp_path / "index", "state_dir": tmp_path / "state"})


def _env(settings: Settings) -> dict[str, str]:
    return {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
        "MEDCITE_DATA_DIR": str(settings.data_dir),
        "MEDCITE_MANIFEST": str(settings.manifest),
        "MEDCITE_INDEX_DIR": str(settings.index_dir),
        "MEDCITE_CACHE_DIR": str(settings.cache_dir),
        "MEDCITE_STATE_DIR": str(settings.state_dir),
    }


def _medcite(settings: Settings, *args: str, **kwargs) -> subprocess.Popen:  # noqa: ANN003
    return subprocess.Popen([sys.executable, "-m", "medcite", *args], cwd=ROOT, env=_env(settings), **kwargs)


def _wait_for(predicate, what: str, timeout: float = 120, process: subprocess.Popen | None = None) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not predicate():
        if process is not None and process.poll() is not None:
            pytest.fail(f"the process exited ({process.returncode}) before {what}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.01)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(settings: Settings) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    server = _medcite(settings, "serve", "--port", str(port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            return httpx.get(f"{url}/health", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    _wait_for(up, "the server to answer /health", process=server)
    return server, url


def _indexed_uploads(settings: Settings) -> list[str]:
    store = Store(IndexLayout(settings.index_dir).current_dir() / "store.sqlite")
    try:
        return [s for s in store.sources() if s.startswith(UPLOADS + "/")]
    finally:
        store.close()


def test_a_server_killed_mid_upload_leaves_nothing_indexed(settings: Settings) -> None:
    token = TokenStore(settings.state_dir / "tokens.json").create("ed", "editor")
    version = IndexLayout(settings.index_dir).current_manifest().version
    server, url = _serve(settings)
    pending = settings.state_dir / PENDING
    try:

        def upload() -> None:
            with contextlib.suppress(httpx.HTTPError):  # the server dies under it: the client never sees a 201
                httpx.post(
                    f"{url}/documents",
                    headers={"Authorization": f"Bearer {token}"},
                    data={"kind": "research"},
                    files={"file": ("zorb.md", UPLOAD.encode(), "text/markdown")},
                    timeout=120,
                )

        client = threading.Thread(target=upload, daemon=True)
        client.start()
        _wait_for(lambda: pending.is_dir() and any(pending.glob("*.json")), "the pending record", process=server)
        os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
        client.join(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
    assert IndexLayout(settings.index_dir).current_manifest().version == version, "killed after the publish: not mid-upload"
    assert list((settings.state_dir / UPLOADS).iterdir()), "the upload's file was stored before the kill"

    server, url = _serve(settings)  # the restart settles what the killed one left
    try:
        hits = httpx.get(f"{url}/search", params={"q": f"{MARKER} syndrome", "k": 5}, timeout=30).json()
        assert not any(h["doc_id"].startswith(UPLOADS) for h in hits)
        assert httpx.get(f"{url}/health", timeout=10).json()["version"] == version
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert not list(pending.glob("*.json")) and not list((settings.state_dir / UPLOADS).iterdir())
    assert not settings.uploads_manifest.exists() or MARKER not in settings.uploads_manifest.read_text()

    ingest = _medcite(settings, "ingest", "-q", stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output, _ = ingest.communicate(timeout=300)
    assert ingest.returncode == 0 and "index is up to date" in output, output
    assert _indexed_uploads(settings) == []


def test_an_ingest_killed_mid_build_leaves_a_servable_index(settings: Settings, embedder) -> None:
    layout = IndexLayout(settings.index_dir)
    version = layout.current_manifest().version
    ingest = _medcite(settings, "ingest", "--force", "-q", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(lambda: any(layout.versions.glob(".building-*")), "the build directory", process=ingest)
        os.kill(ingest.pid, signal.SIGKILL)
        ingest.wait(timeout=30)
    finally:
        if ingest.poll() is None:
            ingest.kill()
    assert layout.current_manifest().version == version  # the killed build published nothing
    searcher = Searcher.open(settings, embedder)
    try:
        assert searcher.search("opioid tapering", k=3)
    finally:
        searcher.close()

    again = _medcite(settings, "ingest", "--force", "-q", stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output, _ = again.communicate(timeout=600)
    assert again.returncode == 0 and "published index" in output, output
    assert layout.current_manifest().version != version and not list(layout.versions.glob(".building-*"))
    searcher = Searcher.open(settings, embedder)
    try:
        assert searcher.search("opioid tapering", k=3)
    finally:
        searcher.close()


def _leave_pending(settings: Settings, text: str) -> ManifestEntry:  # noqa: F821 - what a killed upload leaves
    from ingest.uploads import mark_pending, store_upload

    result = store_upload(settings, text.encode(), "left.md", "reference", "Left behind")
    mark_pending(settings, result.entry)
    return result.entry


def test_recovery_lists_a_published_upload_and_removes_an_unpublished_one(settings: Settings, embedder) -> None:
    from app.documents import recover_uploads
    from index.build import build_index
    from ingest.manifest import corpus_entries, read_manifest

    published = _leave_pending(
        settings, "# Chilblains\n\nChilblains are itchy patches of skin after exposure to cold damp air.\n"
    )
    entries = corpus_entries(settings.manifest, settings.uploads_manifest) + [published]
    build_index(settings, entries, lambda: embedder, show_progress=False)  # killed after the publish, before the listing
    unpublished = _leave_pending(settings, "# Trench foot\n\nTrench foot follows feet kept cold and wet for many hours.\n")
    stray = settings.state_dir / UPLOADS / "0123456789abcdef.md"  # stored, killed before its pending record
    stray.write_text("# Stray\n\nA file whose upload died before it was recorded.\n")

    listed, removed = recover_uploads(settings)
    assert listed == [published.id] and set(removed) == {unpublished.id, f"{UPLOADS}/{stray.stem}"}
    assert [e.id for e in read_manifest(settings.uploads_manifest)] == [published.id]
    assert sorted(p.name for p in (settings.state_dir / UPLOADS).iterdir()) == [Path(published.path).name]
    assert not list((settings.state_dir / PENDING).iterdir())
    assert recover_uploads(settings) == ([], [])  # settled once


def test_ingest_removes_an_unacknowledged_upload_before_reading_the_listing(settings: Settings) -> None:
    from typer.testing import CliRunner

    from medcite.cli import app

    entry = _leave_pending(settings, "# Frostnip\n\nFrostnip whitens the skin of the cheeks and nose without freezing it.\n")
    result = CliRunner().invoke(app, ["ingest", "-q"], env=_env(settings))
    assert result.exit_code == 0 and "index is up to date" in result.output, result.output
    assert f"removed upload {entry.id}" in result.output
    assert _indexed_uploads(settings) == [] and not (settings.state_dir / entry.path).exists()
