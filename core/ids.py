"""Identifiers the stores issue: a prefix naming the kind, then 48 random bits in hex (`a_…`, `c_…`)."""

from __future__ import annotations

import secrets

ANSWER, CONVERSATION = "a_", "c_"


def new_id(prefix: str) -> str:
    return prefix + secrets.token_hex(6)
