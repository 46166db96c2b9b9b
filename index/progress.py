"""A build's progress in a small JSON file that a server can read: <index_dir>/state/progress.json.

Written by the building process (replaced atomically, at most about once a second), read by `/health`
and the clinician page. `done`/`total` count texts embedded over the whole build: chunks, then sentences.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

WRITE_EVERY_S = 1.0


@dataclass(slots=True)
class Progress:
    path: Path | None  # None: nothing is written (a build plan made outside build_index)
    phase: str = "reading"  # reading | embedding chunks | embedding sentences | complete | failed
    done: int = 0
    total: int = 0
    stages: dict[str, float] = field(default_factory=dict)  # seconds each build stage took, as each one ends
    _written: float = 0.0
    _stage: tuple[str, float] | None = None

    def set(self, phase: str, done: int | None = None, total: int | None = None) -> None:
        self.phase = phase
        self.done = self.done if done is None else done
        self.total = self.total if total is None else total
        self.write()

    def begin(self, stage: str | None) -> None:
        """End the build stage under way (its seconds go to `stages`) and start `stage` (None: the last has ended).
        Stages are finer than phases: reading, the keyword index, each kind of vectors, the vector index, publishing."""
        now = time.monotonic()
        if self._stage is not None:
            name, since = self._stage
            self.stages[name] = round(self.stages.get(name, 0.0) + now - since, 2)
        self._stage = (stage, now) if stage else None

    def add(self, n: int) -> None:
        self.done += n
        if time.monotonic() - self._written >= WRITE_EVERY_S:
            self.write()

    def write(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        state = {
            "phase": self.phase,
            "done": self.done,
            "total": self.total,
            "stages": self.stages,
            "pid": os.getpid(),
            "updated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(state), encoding="utf-8")
        os.replace(tmp, self.path)
        self._written = time.monotonic()


def read_progress(path: Path) -> dict | None:
    """The last progress written, with `running`: whether the process that wrote it is still alive."""
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    state["running"] = state.get("phase") not in ("complete", "failed") and _alive(state.get("pid"))
    return state


def _alive(pid: object) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
