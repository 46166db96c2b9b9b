"""`--executor ray` builds the same index as the local path: same chunk ids and store rows in the same
order, vectors equal within float tolerance; the driver's embedding cache still saves work."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import faiss
import numpy as np
import pytest

from index.build import build_index
from index.layout import IndexLayout
from ingest.manifest import read_manifest
from tests.conftest import settings_for


def _rows(directory: Path) -> dict[str, list[tuple]]:
    db = sqlite3.connect(directory / "store.sqlite")
    tables = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
    rows = {table: db.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall() for table in tables}
    db.close()
    return rows


def _vectors(directory: Path) -> tuple[np.ndarray, np.ndarray]:
    index = faiss.read_index(str(directory / "dense.faiss"))
    return index.reconstruct_n(0, index.ntotal), np.load(directory / "sentences.npy").astype(np.float32)


@pytest.fixture(scope="module")
def ray_index(ray_local, mini_corpus: Path, tmp_path_factory):
    """The mini corpus built through Ray, with an empty embedding cache so every vector comes from an actor."""
    from index.distributed import RayExecutor

    settings = settings_for(mini_corpus, tmp_path_factory.mktemp("ray-index"), tmp_path_factory.mktemp("ray-cache"))
    with RayExecutor(workers=2) as executor:
        report = build_index(
            settings, read_manifest(settings.manifest), lambda: pytest.fail("the local embedder"), show_progress=False
        )
        actors = len(executor._actors)
        # a second build in the same Ray session reads every source again (--force): its reading tasks need the
        # CPUs the first build's embedding actors hold, so those are let go first (it deadlocked before)
        again = build_index(settings, read_manifest(settings.manifest), lambda: None, show_progress=False, force=True)
    return settings, report, again, actors


def test_ray_ingest_builds_the_local_index(ray_index, mini_settings) -> None:
    settings, report, _, actors = ray_index
    assert actors == 2 and not report.errors and report.embedded == report.chunks > 0 and report.embedded_sentences > 0
    local_dir = IndexLayout(mini_settings.index_dir).current_dir()
    ray_dir = IndexLayout(settings.index_dir).current_dir()
    local, distributed = _rows(local_dir), _rows(ray_dir)
    assert [r[1] for r in distributed["chunks"]] == [r[1] for r in local["chunks"]]  # chunk ids, in row order
    assert distributed == local  # every store row, in the same order
    local_manifest, ray_manifest = (
        IndexLayout(mini_settings.index_dir).current_manifest(),
        IndexLayout(settings.index_dir).current_manifest(),
    )
    assert ray_manifest.corpus_hash == local_manifest.corpus_hash and ray_manifest.chunks == local_manifest.chunks
    (chunks_a, sentences_a), (chunks_b, sentences_b) = _vectors(local_dir), _vectors(ray_dir)
    assert chunks_a.shape == chunks_b.shape and np.allclose(chunks_a, chunks_b, atol=1e-5)
    # sentences.npy is stored as float16: equal within its precision
    assert sentences_a.shape == sentences_b.shape and np.allclose(sentences_a, sentences_b, atol=1e-3)


def test_ray_ingest_uses_the_driver_cache(ray_index) -> None:
    _, first, again, _ = ray_index
    assert again.version != first.version and again.chunks == first.chunks
    assert again.embedded == 0 and again.embedded_sentences == 0  # every text came from the cache
