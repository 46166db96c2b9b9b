"""`--executor local|ray`: where `medcite ingest` and `medcite eval` do their work."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

from medcite.cli.common import fail

EXECUTORS = ("local", "ray")
EXECUTOR_HELP = "local, or ray: fan the work out over a Ray cluster (needs the extra: pip install -e '.[ray]')."
ADDRESS_HELP = "With --executor ray: the cluster to join (ray://host:10001, host:6379, auto); default: start a local one."
WORKERS_HELP = "With --executor ray: parallel workers (default: one per CPU of the cluster)."


def executor_for(name: str, address: str | None, workers: int | None) -> AbstractContextManager:
    """A context inside which builds and question sets run on `name`; a one-line error when Ray is missing."""
    if name not in EXECUTORS:
        fail(f"--executor must be one of {', '.join(EXECUTORS)} (got {name!r})", 2)
    if name == "local":
        if address or workers:
            fail("--address and --workers go with --executor ray", 2)
        return nullcontext()
    if workers is not None and workers < 1:
        fail("--workers must be at least 1", 2)
    try:
        from index.distributed import RayExecutor
    except ModuleNotFoundError as exc:
        if (exc.name or "").partition(".")[0] != "ray":
            raise
        fail("--executor ray needs Ray, an optional extra: pip install -e '.[ray]'")
    return RayExecutor(address, workers)
