"""API tokens: a file of token hashes shared by the CLI (`medcite token …`) and the server.

Only sha256(token) is kept, so a leaked tokens.json cannot be replayed. The server re-reads the file
when it changes, so `medcite token create/revoke` takes effect without a restart."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import tempfile
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, get_args

from core.errors import DomainError, Invalid


class TokenError(Invalid, ValueError):
    """A token name or role not allowed, or a name already taken."""


class TokenFileError(DomainError, ValueError):
    """The token file is unreadable: an operator's problem (the server answers 500), not the client's."""


Role = Literal["clinician", "editor"]  # in rising order: each role holds every permission of those before it
ROLES: tuple[str, ...] = get_args(Role)
_NAME = re.compile(r"[A-Za-z0-9_.@-]{1,64}")
PREFIX = "mc_"  # lets people (and secret scanners) recognise a medcite token


@dataclass(frozen=True)
class TokenInfo:
    name: str
    role: Role
    created_at: str  # ISO 8601, UTC


class TokenStore:
    """Token hashes in one JSON file; writers replace it atomically, readers reload on change."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()  # the server verifies from several worker threads
        self._seen: tuple[int, int, int] | None = None
        self._entries: list[dict[str, str]] = []

    def _load(self) -> list[dict[str, str]]:
        with self._lock:
            try:
                st = os.stat(self.path)
            except FileNotFoundError:  # no file yet = no tokens
                self._seen, self._entries = None, []
                return self._entries
            # inode as well as mtime: os.replace always gives a new inode, even within one mtime tick
            stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
            if stamp != self._seen:
                try:
                    entries = json.loads(self.path.read_text(encoding="utf-8"))
                except ValueError as exc:
                    raise TokenFileError(f"token file {self.path} is not valid JSON: {exc}") from exc
                if not isinstance(entries, list):
                    raise TokenFileError(f"token file {self.path} is not valid: expected a JSON list")
                self._seen, self._entries = stamp, entries
            return self._entries

    def _write(self, entries: list[dict[str, str]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # mkstemp creates the file 0600 from the start, so the hashes are never briefly world-readable
        fd, tmp = tempfile.mkstemp(prefix=".tokens.", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                os.fchmod(out.fileno(), 0o600)
                json.dump(entries, out, indent=2)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def create(self, name: str, role: Role) -> str:
        if not _NAME.fullmatch(name):
            raise TokenError(f"invalid token name {name!r}: use 1-64 of letters, digits, _ . @ -")
        if role not in ROLES:
            raise TokenError(f"invalid role {role!r}: choose {' or '.join(ROLES)}")
        entries = list(self._load())
        if any(e["name"] == name for e in entries):
            raise TokenError(f"a token named {name!r} already exists (revoke it first)")
        token = PREFIX + secrets.token_urlsafe(32)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        entries.append({"name": name, "role": role, "sha256": hashlib.sha256(token.encode()).hexdigest(), "created_at": now})
        self._write(entries)
        return token

    def revoke(self, name: str) -> bool:
        entries = self._load()
        kept = [e for e in entries if e["name"] != name]
        if removed := len(kept) < len(entries):
            self._write(kept)
        return removed

    def list(self) -> list[TokenInfo]:
        return [TokenInfo(e["name"], e["role"], e["created_at"]) for e in self._load()]  # type: ignore[arg-type]

    def verify(self, token: str) -> TokenInfo | None:
        digest = hashlib.sha256(token.encode()).hexdigest()
        found: TokenInfo | None = None
        # compare against every entry without stopping early, so timing says nothing about which matched
        for e in self._load():
            if hmac.compare_digest(digest, e["sha256"]) and found is None:
                found = TokenInfo(e["name"], e["role"], e["created_at"])  # type: ignore[arg-type]
        return found
