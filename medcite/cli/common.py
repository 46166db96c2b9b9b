"""What every command shares: the settings built from global flags and environment, and the error edge."""

from __future__ import annotations

import os

import typer
from pydantic import ValidationError

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from medcite.settings import Settings  # noqa: E402


class State:
    """Overrides from the global flags; each command builds its one Settings object from them."""

    overrides: dict[str, object] = {}

    @classmethod
    def settings(cls, **more: object) -> Settings:
        try:
            return Settings(**{**cls.overrides, **{k: v for k, v in more.items() if v is not None}})
        except ValidationError as exc:
            first = exc.errors()[0]
            raise typer.BadParameter(f"{'.'.join(map(str, first['loc']))}: {first['msg']}") from exc


def fail(message: str, code: int = 1) -> None:
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    raise typer.Exit(code)
