"""/health's view of the index: the version in service, how far its vectors go, the build's progress."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.schemas import Health
from index.models import Vectors


class BuildProgress(BaseModel):
    phase: str = Field(description="reading | embedding chunks | embedding sentences | complete | failed")
    done: int = Field(description="Texts embedded so far (chunks, then sentences), cached ones included.")
    total: int
    percent: int
    running: bool = Field(description="Whether the process building is still alive.")
    updated_at: str | None = None


class IndexState(BaseModel):
    version: str
    vectors: Vectors = Field(
        description="pending: keyword search only; chunks: passage vectors, no sentence vectors yet; complete."
    )
    progress: BuildProgress | None = Field(None, description="The running or last build; null before any.")


class HealthOut(Health):
    index: IndexState
