"""The app as `medcite serve --workers N` starts it: uvicorn's worker processes each import this module and
call `from_environment()`, so settings come from the environment (the CLI exports its global flags there).

Each process loads the model and opens the version in service itself; the index files are memory-mapped
(index/dense.py, index/bm25.py), so N processes share one copy in the OS page cache. Each follows the
CURRENT pointer on its next request (app/services.py), and a version is only ever named in CURRENT once
complete (index/layout.py), so no process can open a half-written one.

Threads: each process would otherwise size torch's, onnxruntime's and BLAS's thread pools to every core, so
N workers would run N × cores threads on the cores and fight for them (a question took 774 ms instead of
74 ms with two torch threads on the loaded 2-core machine, docs/scaling.md). Unless `threads`
(MEDCITE_THREADS) is set, a worker uses cores / N of them, at least one; N is MEDCITE_WORKERS when set, else
the `--workers N` of the process that started the workers (`medcite serve` sets MEDCITE_WORKERS; a plain
`uvicorn --workers N` is read from its command line).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from fastapi import FastAPI

from api.app import create_app
from core.settings import Settings


def worker_count(environ: Mapping[str, str] | None = None, parent: int | None = None) -> int:
    """How many server processes share this machine: MEDCITE_WORKERS, else the parent's `--workers N`, else 1."""
    environ = os.environ if environ is None else environ
    if environ.get("MEDCITE_WORKERS", "").strip().isdigit():
        return max(1, int(environ["MEDCITE_WORKERS"]))
    try:
        argv = Path(f"/proc/{parent or os.getppid()}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return 1
    for i, arg in enumerate(argv):
        value = (
            argv[i + 1]
            if arg == "--workers" and i + 1 < len(argv)
            else arg.partition("=")[2]
            if arg.startswith("--workers=")
            else ""
        )
        if value.isdigit():
            return max(1, int(value))
    return 1


def threads_per_worker(workers: int, cores: int | None = None) -> int:
    return max(1, (cores or os.cpu_count() or 1) // max(1, workers))


def from_environment() -> FastAPI:
    # The model's tokenizer would start a thread pool per process; the workers already are the parallelism.
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    settings = Settings()
    if not settings.threads:
        settings = settings.model_copy(update={"threads": threads_per_worker(worker_count())})
    return create_app(settings)
