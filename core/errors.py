"""Domain errors every layer raises and every edge translates in one place (api/errors.py, medcite/cli).

Each error's message is the reason shown to the person: a client's `detail`, a CLI `error:` line.
A layer defines its own errors as subclasses of these four kinds; the edges map only the kinds.
"""

from __future__ import annotations


class DomainError(Exception):
    """Something the person asked cannot be done; the message says why (never a bug)."""


class NotFound(DomainError, KeyError):
    """No such item (an answer, a conversation, a document). A KeyError too, for callers that expect one."""

    def __str__(self) -> str:  # KeyError's str() is the repr of its argument; the message reads better plain
        return str(self.args[0]) if self.args else "not found"


class Invalid(DomainError):
    """Malformed or out-of-range input (a question too long, an edit naming nothing, an unreadable file)."""


class Conflict(DomainError):
    """Conflicts with the current state: a stale version, a claim, a duplicate, an index that cannot be built."""


class Unavailable(DomainError):
    """The service cannot answer yet (no index published)."""
