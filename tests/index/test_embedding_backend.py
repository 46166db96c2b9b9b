"""Embedding backends (issue #16): int8 close to fp32, never mixed in a cache or an index, nothing embedded twice.

Real packaged model throughout; the int8 export runs once per session into a temporary cache dir.
"""

from __future__ import annotations

import json
from itertools import islice
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("onnxruntime", reason="the onnx-int8 backend needs the onnx extra")

from index.build import build_index  # noqa: E402
from index.embedding import EmbeddingCache, content_key, embed_with_cache, embedding_id  # noqa: E402
from index.layout import IndexLayout  # noqa: E402
from index.onnx_int8 import export_int8, int8_export_dir  # noqa: E402
from index.search import Searcher  # noqa: E402
from ingest.catalog import scan  # noqa: E402
from ingest.manifest import read_manifest, write_manifest  # noqa: E402
from tests.conftest import settings_for  # noqa: E402

# Sentences of the kind the corpus holds (CDC opioid guideline, abstracts, reference pages).
SENTENCES = [
    "Nonopioid therapies are at least as effective as opioids for many common types of acute pain.",
    "Clinicians should maximize use of nonpharmacologic and nonopioid pharmacologic therapies as appropriate.",
    "Before starting opioid therapy for subacute or chronic pain, clinicians should discuss with patients the "
    "realistic benefits and known risks of opioid therapy.",
    "Does metformin reduce the risk of cardiovascular events in patients with type 2 diabetes?",
    "Hand hygiene is the most important measure to prevent the spread of infections in outpatient settings.",
    "Chronic kidney disease",
]


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("model-cache")


@pytest.fixture(scope="session")
def int8(embedder, model_cache: Path):
    return embedder.for_backend("onnx-int8", model_cache)


class CountingEmbedder:
    """The real model, counting the texts it is asked to embed."""

    def __init__(self, inner) -> None:
        self.inner, self.name, self.dimensions, self.texts = inner, inner.name, inner.dimensions, []

    def embed(self, texts):
        self.texts += list(texts)
        return self.inner.embed(texts)


def test_int8_vectors_are_close_to_fp32(embedder, int8) -> None:
    assert (embedder.backend, int8.backend) == ("torch", "onnx-int8")
    fp32, quantized = embedder.embed(SENTENCES), int8.embed(SENTENCES)
    assert quantized.shape == fp32.shape and quantized.dtype == np.float32
    assert np.allclose(np.linalg.norm(quantized, axis=1), 1, atol=1e-4)
    cosine = (fp32 * quantized).sum(axis=1)
    assert cosine.min() >= 0.98, cosine
    assert not np.allclose(fp32, quantized, atol=1e-4)  # really another backend, not the same model twice


def test_export_is_reused_and_siblings_share_the_model(embedder, int8, model_cache: Path) -> None:
    model_path = embedder.path
    directory = int8_export_dir(model_path, model_cache)
    model = directory / "model.onnx"
    stamp = model.stat().st_mtime_ns
    assert export_int8(model_path, model_cache) == directory and model.stat().st_mtime_ns == stamp
    meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
    assert meta["dimensions"] == embedder.dimensions and meta["max_seq_length"] == 256
    # Switching back and forth loads nothing again.
    assert int8.for_backend("onnx-int8") is int8
    assert embedder.for_backend("onnx-int8", model_cache)._runtime is int8._runtime
    assert int8.for_backend("torch")._runtime is embedder._runtime


def test_an_int8_setup_loads_no_torch_model(int8, model_cache: Path, tiny_corpus: Path, tmp_path: Path) -> None:
    from app.services import load_embedder

    settings = settings_for(tiny_corpus, tmp_path / "index", model_cache, embedding_backend="onnx-int8")
    loaded = load_embedder(settings)  # the export made for `int8` is reused from the cache dir
    assert loaded.backend == "onnx-int8" and set(loaded._runtimes) == {"onnx-int8"}
    assert np.allclose(loaded.embed(SENTENCES), int8.embed(SENTENCES), atol=1e-6)


def test_cache_keys_differ_between_backends(embedder) -> None:
    # Plain torch keeps the bare model name: caches and indexes from before backends stay valid.
    assert embedding_id("all-MiniLM-L6-v2", "torch") == "all-MiniLM-L6-v2"
    torch_id, int8_id = embedding_id(embedder.name, "torch"), embedding_id(embedder.name, "onnx-int8")
    assert torch_id != int8_id
    assert content_key(torch_id, SENTENCES[0]) != content_key(int8_id, SENTENCES[0])
    with pytest.raises(ValueError, match="unknown embedding backend"):
        embedding_id(embedder.name, "onnx-fp16")


def test_identical_texts_are_embedded_once(embedder, tmp_path: Path) -> None:
    counting = CountingEmbedder(embedder)
    cache = EmbeddingCache(tmp_path)
    try:
        texts = [SENTENCES[0], SENTENCES[1], SENTENCES[0], SENTENCES[0]]  # repeated boilerplate
        vectors, computed = embed_with_cache(texts, embedder.name, lambda: counting, cache)
        assert computed == 2 and sorted(counting.texts) == sorted(SENTENCES[:2])
        assert np.array_equal(vectors[0], vectors[2]) and np.array_equal(vectors[0], vectors[3])
        # A sentence that is its whole chunk: embedded with the chunks, found in the cache for the sentences.
        _, computed = embed_with_cache([SENTENCES[1], SENTENCES[5]], embedder.name, lambda: counting, cache)
        assert computed == 1 and counting.texts[-1] == SENTENCES[5] and len(counting.texts) == 3
        # The same text on another backend is another vector: embedded again, under its own key.
        _, computed = embed_with_cache([SENTENCES[0]], embedding_id(embedder.name, "onnx-int8"), lambda: counting, cache)
        assert computed == 1
    finally:
        cache.close()


@pytest.fixture()
def tiny_corpus(tmp_path: Path, shared_data: Path) -> Path:
    """Three real abstracts: a handful of chunks and sentences per backend."""
    target = tmp_path / "data"
    abstracts = target / "research" / "abstracts.jsonl"
    abstracts.parent.mkdir(parents=True)
    with (shared_data / "research" / "pubmedqa-abstracts.jsonl").open(encoding="utf-8") as handle:
        abstracts.write_text("".join(islice(handle, 3)), encoding="utf-8")
    write_manifest(target / "manifest.jsonl", scan(target, [])[0])
    return target


def test_an_index_keeps_to_its_backend(tiny_corpus: Path, tmp_path: Path, embedder, int8, model_cache: Path) -> None:
    def build(backend: str):
        settings = settings_for(tiny_corpus, tmp_path / "index", tmp_path / "cache", embedding_backend=backend)
        # The factory hands over the torch model, as the CLI does: the build switches it to the setting.
        return settings, build_index(settings, read_manifest(settings.manifest), lambda: embedder, show_progress=False)

    torch_settings, first = build("torch")
    layout = IndexLayout(torch_settings.index_dir)
    torch_manifest = layout.current_manifest()
    assert torch_manifest.embedding_backend == "torch" and first.embedded == first.chunks

    # Serving a torch index while the settings now say int8: queries are embedded as the index was.
    int8_settings = torch_settings.model_copy(update={"embedding_backend": "onnx-int8", "cache_dir": model_cache})
    searcher = Searcher.open(int8_settings, embedder)
    assert searcher.embedder.backend == "torch"
    searcher.close()

    # `medcite ingest` with the other backend rebuilds, and re-embeds everything under the int8 keys.
    int8_settings, second = build("onnx-int8")
    assert not second.unchanged and second.version != first.version
    assert second.embedded == second.chunks and second.embedded_sentences == first.embedded_sentences
    manifest = layout.current_manifest()
    assert (manifest.model_name, manifest.embedding_backend) == (embedder.name, "onnx-int8")
    assert manifest.corpus_hash != torch_manifest.corpus_hash and build("onnx-int8")[1].unchanged

    searcher = Searcher.open(int8_settings, embedder)  # handed the torch model, as the server is
    assert searcher.embedder.backend == "onnx-int8"
    assert np.allclose(searcher.embed_query(SENTENCES[0]), int8.embed([SENTENCES[0]])[0], atol=1e-6)
    searcher.close()

    # Back to torch: its vectors are still in the cache, nothing is embedded again.
    _, third = build("torch")
    assert not third.unchanged and third.embedded == 0 and third.embedded_sentences == 0
    assert layout.current_manifest().embedding_backend == "torch"


def test_questions_on_the_onnx_fp32_runtime_equal_torch_vectors(embedder, model_cache: Path) -> None:
    """query_embedding=onnx-fp32: the torch backend's own weights in onnxruntime; a question's vector is torch's
    to float rounding, so an index built with torch is searched with what it was built with."""
    from index.embedding import SentenceTransformerEmbedder

    fast = SentenceTransformerEmbedder(
        embedder.path, embedder.name, cache_dir=model_cache, query_runtime="onnx-fp32", _runtimes=dict(embedder._runtimes)
    )
    assert (fast.backend, fast.query_runtime, fast.id) == ("torch", "onnx-fp32", embedder.id)
    assert fast._runtime is embedder._runtime  # batches (ingest) stay on torch
    torch_vectors = embedder.embed(SENTENCES)
    questions = np.stack([fast.embed_query(text) for text in SENTENCES])
    assert questions.dtype == np.float32 and questions.shape == torch_vectors.shape
    assert np.abs(questions - torch_vectors).max() < 1e-5
    same = SentenceTransformerEmbedder(embedder.path, embedder.name, query_runtime="torch", _runtimes=dict(embedder._runtimes))
    assert same.query_runtime == "torch" and np.array_equal(same.embed_query(SENTENCES[0]), embedder.embed(SENTENCES[:1])[0])
    # auto takes onnx-fp32 where onnxruntime is installed (this module needs it); another backend keeps its own.
    auto = SentenceTransformerEmbedder(
        embedder.path, embedder.name, cache_dir=model_cache, query_runtime="auto", _runtimes=dict(fast._runtimes)
    )
    assert auto.query_runtime == "onnx-fp32"
    assert auto.for_backend("onnx-int8", model_cache).query_runtime == "onnx-int8"
