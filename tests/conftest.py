"""Shared fixtures: a small real corpus cut from ../shared/data, the real packaged model, one built index."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# Every test keeps its own embedding cache, but the model's ONNX exports (~15 s each, keyed by the model's
# fingerprint) are made once per machine and shared, here and by the servers the tests start.
os.environ.setdefault("MEDCITE_EXPORTS_DIR", str(Path(tempfile.gettempdir()) / "medcite-test-exports"))

from core.settings import Settings  # noqa: E402
from index.build import build_index  # noqa: E402
from index.embedding import SentenceTransformerEmbedder  # noqa: E402
from index.search import Searcher  # noqa: E402
from ingest.manifest import read_manifest  # noqa: E402
from tests.utils.corpus import make_mini_corpus  # noqa: E402


@pytest.fixture(scope="session")
def shared_data() -> Path:
    data = Settings().data_dir
    if not (data / "README.md").is_file():
        pytest.fail(f"the shared corpus is not at {data}; set MEDCITE_DATA_DIR")
    return data


@pytest.fixture(scope="session")
def embedder() -> SentenceTransformerEmbedder:
    settings = Settings()
    return SentenceTransformerEmbedder(settings.resolved_model_path(), settings.model_name)


@pytest.fixture(scope="session")
def embedding_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache for the whole session: each distinct chunk is embedded once across all tests."""
    return tmp_path_factory.mktemp("embedding-cache")


@pytest.fixture(scope="session")
def mini_corpus(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Path:
    return make_mini_corpus(shared_data, tmp_path_factory.mktemp("mini-corpus"))


def settings_for(data_dir: Path, index_dir: Path, cache_dir: Path, **overrides: object) -> Settings:
    return Settings(
        data_dir=data_dir, manifest=data_dir / "manifest.jsonl", index_dir=index_dir, cache_dir=cache_dir, **overrides
    )


@pytest.fixture(scope="session")
def mini_settings(tmp_path_factory: pytest.TempPathFactory, mini_corpus: Path, embedding_cache: Path, embedder) -> Settings:
    """The mini corpus built once into a session index (read-only for the tests that use it)."""
    return built(settings_for(mini_corpus, tmp_path_factory.mktemp("mini-index"), embedding_cache), embedder)


def built(settings: Settings, embedder) -> Settings:
    """`settings` once its manifest is built into its index, with no source failing."""
    report = build_index(settings, read_manifest(settings.manifest), lambda: embedder, show_progress=False)
    assert not report.errors, report.errors
    return settings


@pytest.fixture(scope="session")
def searcher(mini_settings: Settings, embedder) -> Searcher:
    searcher = Searcher.open(mini_settings, embedder)
    yield searcher
    searcher.close()


@pytest.fixture(scope="session")
def ray_local():
    """One local Ray instance for the session's Ray tests (2 CPUs, no dashboard), shut down at the end."""
    import ray  # in the test extra: these tests run wherever the others do

    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        runtime_env={"env_vars": {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}},
    )
    yield ray
    ray.shutdown()
