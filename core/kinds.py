"""The kinds of source every layer speaks of, from the manifest to the answer's headings."""

from __future__ import annotations

from typing import Literal

Kind = Literal["guideline", "research", "reference"]
KINDS: tuple[Kind, ...] = ("guideline", "research", "reference")
