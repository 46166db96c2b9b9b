"""`medcite` command line: thin over the application layer (app/); domain errors meet one edge (common.edge)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

try:  # typer carries its own copy of click since 0.2x; its errors are that copy's
    from typer._click import exceptions as usage
except ImportError:  # pragma: no cover - an older typer over the click package
    from click import exceptions as usage  # type: ignore[no-redef]

from medcite.cli import admission, ask, corpus, design, evaluate, search
from medcite.cli.common import edge, fail, load_settings, use_flags
from medcite.cli.tokens import tokens_app

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="medcite: answers for clinicians from guidelines and research."
)


@app.callback()
def main_options(
    context: typer.Context,
    data_dir: Annotated[Path | None, typer.Option(help="Corpus data directory (default ../shared/data).")] = None,
    index_dir: Annotated[Path | None, typer.Option(help="Index directory (default var/index).")] = None,
    manifest: Annotated[Path | None, typer.Option(help="Corpus manifest (default corpus/manifest.jsonl).")] = None,
) -> None:
    flags = {"data_dir": data_dir, "index_dir": index_dir, "manifest": manifest}
    use_flags(context, {k: v.resolve() for k, v in flags.items() if v is not None})


def purge() -> None:
    """Delete answers no editor touched, and idle conversations, older than review.retention_days."""
    from app.retention import purge_stored

    settings = load_settings()
    answers, idle = purge_stored(settings)
    typer.echo(
        f"deleted {answers} unreviewed answers and {idle} idle conversations older than {settings.review.retention_days} days"
    )


def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    ingest: Annotated[
        bool,
        typer.Option(
            "--ingest",
            help="Build or update the index beside the server: serve once keyword search is ready (what `make run` does).",
        ),
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Server processes sharing one memory-mapped index version (each loads the model once).",
        ),
    ] = 1,
) -> None:
    """Serve the web page and API."""
    import logging

    import uvicorn

    from api.app import create_app
    from app.tokens import TokenStore

    settings = load_settings()
    if not TokenStore(settings.state_dir / "tokens.json").list():
        typer.echo("No API tokens yet. Editor routes need one: medcite token create NAME --role editor", err=True)
    if workers > 1:
        if ingest:
            fail("--ingest builds beside one server process: run `medcite ingest` first, then serve with --workers")
        # Worker processes build their settings from the environment (api/workers.py): the global flags go there.
        os.environ.update(
            {
                "MEDCITE_DATA_DIR": str(settings.data_dir),
                "MEDCITE_INDEX_DIR": str(settings.index_dir),
                "MEDCITE_MANIFEST": str(settings.manifest),
                "MEDCITE_STATE_DIR": str(settings.state_dir),
                "MEDCITE_WORKERS": str(workers),
            }
        )  # each worker sizes its threads to cores / N
        uvicorn.run("api.workers:from_environment", factory=True, workers=workers, host=host, port=port, log_level="info")
        return
    embedder = None  # loaded by the app at startup
    if ingest:  # app/progressive.py: a progressive ingest in a background thread; stopping the server stops it
        from app import progressive
        from app.services import load_embedder
        from index.layout import IndexLayout

        logging.basicConfig(format="%(levelname)s:     %(message)s")  # the build's news, as uvicorn prints its own
        logging.getLogger("medcite").setLevel(logging.INFO)
        job = progressive.start(settings, lambda: load_embedder(settings))
        if IndexLayout(settings.index_dir).current_dir() is None:
            typer.echo("building the index: the page opens once keyword search is ready; vectors follow (see /health)", err=True)
        embedder = load_embedder(settings)  # the server's model loads while the build reads: the page opens sooner
        progressive.wait_for_index(settings, job)
    uvicorn.run(create_app(settings, embedder), host=host, port=port, log_level="info")


COMMANDS: list[tuple[str, Callable[..., None]]] = [
    ("ingest", corpus.ingest),
    ("search", search.search),
    ("ask", ask.ask),
    ("chat", ask.chat),
    ("stats", corpus.stats),
    ("remove", corpus.remove),
    ("manifest", corpus.manifest),
    ("eval", evaluate.eval_command),
    ("eval-compare", evaluate.eval_compare),
    ("train-ranker", evaluate.train_ranker),
    ("train-design", design.train_design),
    ("train-admission", admission.train_admission),
    ("purge", purge),
    ("serve", serve),
]
for name, command in COMMANDS:
    app.command(name)(edge(command))
app.add_typer(tokens_app, name="token")


def main() -> None:
    # Offline by default: the model is packaged, and nothing should try the network (set here, not at import).
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        code = app(standalone_mode=False)
    except usage.NoArgsIsHelpError as asked:  # `medcite` alone: its help, as click would show it
        asked.show()
        code = asked.exit_code
    except usage.UsageError as exc:  # a mistyped option or a missing argument: one line, as every other error
        where = exc.ctx.command_path if exc.ctx else "medcite"
        # a setting refused (a BadParameter of no parameter) is no matter of usage: no pointer to the help
        hint = "" if isinstance(exc, usage.BadParameter) and exc.param is None else f" (see `{where} --help`)"
        typer.secho(f"error: {exc.format_message()}{hint}", err=True, fg=typer.colors.RED)
        code = exc.exit_code
    except usage.ClickException as exc:
        typer.secho(f"error: {exc.format_message()}", err=True, fg=typer.colors.RED)
        code = exc.exit_code
    except typer.Abort:
        code = 1
    except KeyboardInterrupt:
        code = 130
    sys.exit(code if isinstance(code, int) else 0)
