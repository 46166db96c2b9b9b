"""The app as `medcite serve --workers N` starts it: uvicorn's worker processes each import this module and
call `from_environment()`, so settings come from the environment (the CLI exports its global flags there).

Each process loads the model and opens the version in service itself; the index files are memory-mapped
(index/dense.py, index/bm25.py), so N processes share one copy in the OS page cache. Each follows the
CURRENT pointer on its next request (app/services.py), and a version is only ever named in CURRENT once
complete (index/layout.py), so no process can open a half-written one.
"""

from __future__ import annotations

import os

from fastapi import FastAPI

from api.app import create_app
from core.settings import Settings


def from_environment() -> FastAPI:
    # The model's tokenizer would start a thread pool per process; the workers already are the parallelism.
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    return create_app(Settings())
