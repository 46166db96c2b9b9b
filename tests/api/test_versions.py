"""A version switch: the server opens the new version, a request still holding the old one finishes on it,
and the old one's files are closed as soon as the last such request lets go."""

from __future__ import annotations

import gc
import os
import shutil
from pathlib import Path

from api.deps import Services
from index.build import build_index
from ingest.manifest import read_manifest
from qa.conversations import ConversationStore
from review.store import ReviewStore


def _open_files(path: Path) -> int:
    found = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            found += os.readlink(f"/proc/self/fd/{fd}") == str(path)
        except OSError:
            continue
    return found


def test_a_replaced_version_is_closed_when_its_last_request_ends(tmp_path, mini_settings, embedder) -> None:
    shutil.copytree(mini_settings.index_dir, tmp_path / "index")
    settings = mini_settings.model_copy(update={"index_dir": tmp_path / "index", "state_dir": tmp_path / "state"})
    (tmp_path / "state").mkdir()
    services = Services(
        settings, embedder, ConversationStore(tmp_path / "state/c.sqlite"), ReviewStore(tmp_path / "state/r.sqlite")
    )
    gc.disable()  # what is tested is that nothing waits for the cyclic collector
    try:
        old = services.searcher()
        old_store = old.directory / "store.sqlite"
        build_index(settings, read_manifest(settings.manifest), lambda: embedder, show_progress=False, force=True)
        new = services.searcher()
        assert new.directory != old.directory
        # A request that started before the switch still reads its version.
        assert old.search("naloxone", k=3) and _open_files(old_store) == 1
        del old
        assert _open_files(old_store) == 0
        assert new.search("naloxone", k=3)
    finally:
        gc.enable()
