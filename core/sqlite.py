"""The one way a store opens SQLite: WAL, a busy timeout, one lock per connection, explicit transactions.

A store keeps one connection shared by the server's threads (other processes may open the same
file). Every statement runs under the connection's lock, so a read never sees another thread's
transaction half done; writes are `BEGIN IMMEDIATE` transactions, committed whole or rolled back.
Timestamps are ISO 8601 UTC strings; each table keeps the precision it was created with.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

BUSY_TIMEOUT_S = 30


def utc_now(timespec: Literal["seconds", "milliseconds"] = "seconds") -> str:
    return datetime.now(UTC).isoformat(timespec=timespec)


class Database:
    def __init__(self, path: Path, foreign_keys: bool = False) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: transactions are begun explicitly (IMMEDIATE, so a read-then-write holds the lock)
        self._conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
        self._lock = threading.RLock()  # re-entrant: a read inside a transaction of the same thread is allowed
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL")
            if foreign_keys:
                self._conn.execute("PRAGMA foreign_keys=ON")

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            yield self._conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: committed whole, or rolled back whole when anything in it raises."""
        with self._lock:
            if self._conn.in_transaction:  # nested in one of ours: part of the outer transaction
                yield self._conn
                return
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:  # also after a failed COMMIT, so the next BEGIN is not refused
                    self._conn.execute("ROLLBACK")
                raise

    def execute(self, sql: str, args: tuple | list = ()) -> list[tuple]:
        """One read statement's rows."""
        with self.read() as conn:
            return conn.execute(sql, args).fetchall()

    def close(self) -> None:
        with self._lock:
            self._conn.close()
