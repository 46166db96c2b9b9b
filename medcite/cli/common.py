"""What every command shares: the settings built from global flags and environment, and the one error edge."""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, NoReturn, TypeVar

import typer
from pydantic import ValidationError

from core.errors import DomainError
from core.settings import Settings

F = TypeVar("F", bound=Callable[..., object])

# The global flags of the invocation running now: set by the app callback, reset when it ends. Any: each value
# is a setting's, of its own type, checked when Settings validates it.
_flags: ContextVar[dict[str, Any] | None] = ContextVar("medcite_global_flags", default=None)


def use_flags(context: typer.Context, flags: dict[str, Any]) -> None:
    """Make `flags` the global flags for this invocation only (undone when its context closes)."""
    token = _flags.set(flags)
    context.call_on_close(lambda: _flags.reset(token))


def load_settings(**more: Any) -> Settings:
    """The one Settings object of this command: environment, then the global flags, then `more`."""
    overrides = _flags.get() or {}
    try:
        return Settings(**{**overrides, **{k: v for k, v in more.items() if v is not None}})
    except ValidationError as exc:
        first = exc.errors()[0]
        message = first["msg"].removeprefix("Value error, ")
        raise typer.BadParameter(f"{'.'.join(map(str, first['loc']))}: {message}" if first["loc"] else message) from exc


def fail(message: str, code: int = 1) -> NoReturn:
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    raise typer.Exit(code)


def designs(given: list[str] | None) -> tuple[str, ...]:
    """--design values, each a study design key: anything else is one `error:` line naming the valid keys."""
    from ingest.design_lexicon import DESIGN_KEYS

    for value in given or []:
        if value not in DESIGN_KEYS:
            fail(f"--design must be one of {', '.join(DESIGN_KEYS)} (got {value!r})", 2)
    return tuple(dict.fromkeys(given or ()))


def edge(command: F) -> F:
    """The CLI's one error edge, put around every command where it is registered: a domain error (or
    a missing file) becomes one `error: …` line and exit status 1; commands catch nothing themselves."""

    @functools.wraps(command)
    def run(*args: object, **kwargs: object) -> object:
        try:
            return command(*args, **kwargs)
        except (DomainError, FileNotFoundError) as exc:
            fail(str(exc))

    return run  # type: ignore[return-value]
