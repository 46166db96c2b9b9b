"""`medcite ask` and `medcite chat`: composed, cited answers in the terminal, by the same use case as
`POST /ask` (app.asking): stored for review, and an approved answer given again."""

from __future__ import annotations

from typing import Annotated

import typer

from core.kinds import KINDS
from medcite.cli.common import designs, fail, load_settings

Kinds = Annotated[list[str] | None, typer.Option("--kind", help="Only this kind of source; repeatable.")]
Designs = Annotated[
    list[str] | None,
    typer.Option("--design", help="Only research of this study design (e.g. randomised_trial); repeatable."),
]
AudienceOption = Annotated[str, typer.Option(help="clinician (default) or patient: plainer statements, reference pages first.")]


def _services():
    """The same services the API runs on: answers are stored for review and approved ones reused."""
    from app.services import open_services

    return open_services(load_settings())


def _filters(kind: list[str] | None, design: list[str] | None = None):
    from index.models import Filters

    for value in kind or []:
        if value not in KINDS:
            fail(f"--kind must be one of {', '.join(KINDS)} (got {value!r})", 2)
    return Filters(kinds=tuple(kind or ()), designs=designs(design))  # type: ignore[arg-type]


def _check_audience(audience: str) -> None:
    if audience not in ("clinician", "patient"):
        fail(f"--audience must be clinician or patient (got {audience!r})", 2)


def ask(
    question: Annotated[str, typer.Argument(help="The clinical question.")],
    json_output: Annotated[bool, typer.Option("--json", help="The answer as JSON (the API's format).")] = False,
    kind: Kinds = None,
    design: Designs = None,
    audience: AudienceOption = "clinician",
    conversation: Annotated[str | None, typer.Option(help="Continue this conversation id (a follow-up).")] = None,
) -> None:
    """Answer a question from the index: guidelines first, then research, every sentence cited."""
    from app import asking
    from present.render import to_markdown

    _check_audience(audience)
    filters = _filters(kind, design)
    services = _services()
    try:
        answer = asking.ask(services, question, conversation, filters, audience)  # type: ignore[arg-type]
    finally:
        services.close()
    typer.echo(answer.model_dump_json(indent=2) if json_output else to_markdown(answer))
    if not json_output:
        typer.secho(f"conversation {answer.conversation_id} · follow up with --conversation {answer.conversation_id}", dim=True)


def chat(kind: Kinds = None, design: Designs = None, audience: AudienceOption = "clinician") -> None:
    """An interactive conversation: each question may follow up on the last. Empty line or Ctrl-D ends it."""
    _check_audience(audience)
    filters = _filters(kind, design)
    services = _services()
    try:
        _converse(services, filters, audience)
    finally:
        services.close()


def _converse(services, filters, audience: str) -> None:  # noqa: ANN001 - app.services.Services, index Filters
    from app import asking
    from index.models import QueryError
    from present.render import to_markdown

    conversation: str | None = None
    while True:
        try:
            question = input("\nquestion> ").strip()
        except (EOFError, KeyboardInterrupt):
            break
        if not question:
            break
        try:
            answer = asking.ask(services, question, conversation, filters, audience)  # type: ignore[arg-type]
        except QueryError as exc:
            typer.secho(f"error: {exc}", err=True, fg=typer.colors.RED)
            continue
        conversation = answer.conversation_id
        typer.echo(to_markdown(answer))
