"""`medcite` command line. Domain errors become one `error: …` line and a non-zero exit, here at the edge."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from medcite.cli import ask, corpus, evaluate, search
from medcite.cli.common import State
from medcite.cli.tokens import tokens_app

app = typer.Typer(add_completion=False, no_args_is_help=True, help="medcite: answers for clinicians from guidelines and research.")


@app.callback()
def main_options(
    data_dir: Annotated[Optional[Path], typer.Option(help="Corpus data directory (default ../shared/data).")] = None,
    index_dir: Annotated[Optional[Path], typer.Option(help="Index directory (default var/index).")] = None,
    manifest: Annotated[Optional[Path], typer.Option(help="Corpus manifest (default corpus/manifest.jsonl).")] = None,
) -> None:
    State.overrides = {
        k: v.resolve() for k, v in {"data_dir": data_dir, "index_dir": index_dir, "manifest": manifest}.items() if v is not None
    }



app.command()(corpus.ingest)
app.command()(search.search)
app.command()(ask.ask)
app.command()(ask.chat)
app.command()(corpus.stats)
app.command()(corpus.remove)
app.command()(corpus.manifest)
app.add_typer(tokens_app, name="token")
app.command("eval")(evaluate.eval_command)
app.command("eval-compare")(evaluate.eval_compare)


@app.command()
def purge() -> None:
    """Delete answers no editor touched, and idle conversations, older than review.retention_days."""
    from medcite.services import purge as apply_retention
    from qa.conversations import ConversationStore
    from qa.reviews import ReviewStore

    settings = State.settings()
    reviews = ReviewStore(settings.state_dir / "reviews.sqlite")
    conversations = ConversationStore(settings.state_dir / "conversations.sqlite")
    try:
        answers, idle = apply_retention(settings, reviews, conversations)
    finally:
        reviews.close()
        conversations.close()
    typer.echo(f"deleted {answers} unreviewed answers and {idle} idle conversations older than {settings.review.retention_days} days")


@app.command()
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
) -> None:
    """Serve the web page and API."""
    import uvicorn

    from api.app import create_app
    from api.auth import TokenStore

    settings = State.settings()
    if not TokenStore(settings.state_dir / "tokens.json").list():
        typer.echo("No API tokens yet. Editor routes need one: medcite token create NAME --role editor", err=True)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
