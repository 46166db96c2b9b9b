"""`medcite token …`: create, list and revoke the API's bearer tokens (kept as hashes in <state_dir>/tokens.json)."""

from __future__ import annotations

from typing import Annotated

import typer

from app.tokens import ROLES, TokenStore
from medcite.cli.common import edge, fail, load_settings

tokens_app = typer.Typer(help="Manage API tokens", no_args_is_help=True)


def _store() -> TokenStore:
    return TokenStore(load_settings().state_dir / "tokens.json")


@tokens_app.command()
@edge
def create(
    name: Annotated[str, typer.Argument(help="Who or what the token is for (letters, digits, _ . @ -).")],
    role: Annotated[str, typer.Option(help="clinician (ask questions) or editor (also review).")] = "clinician",
) -> None:
    """Create a token and print it once."""
    # a plain str rather than an enum so a bad role gets the same one-line error as every other mistake
    if role not in ROLES:
        fail(f"unknown role {role!r}: choose {' or '.join(ROLES)}")
    token = _store().create(name, role)  # type: ignore[arg-type]
    typer.echo(token)  # alone on stdout, so `TOKEN=$(medcite token create …)` captures just the token
    typer.echo("store it now: only its hash is kept", err=True)


@tokens_app.command("list")
@edge
def list_tokens() -> None:
    """List tokens by name, role and creation time (the tokens themselves are not kept)."""
    tokens = _store().list()
    if not tokens:
        typer.echo("no tokens: create one with `medcite token create NAME --role clinician|editor`")
        return
    width = max(len(t.name) for t in tokens)
    for t in tokens:
        typer.echo(f"{t.name:<{width}}  {t.role:<9}  {t.created_at}")


@tokens_app.command()
@edge
def revoke(name: Annotated[str, typer.Argument(help="The token's name.")]) -> None:
    """Revoke a token; the server refuses it from its next request on."""
    removed = _store().revoke(name)
    if not removed:
        fail(f"no token named {name!r}")
    typer.echo(f"revoked {name}")
