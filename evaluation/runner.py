"""Runs a question set: document rankings per retrieval mode and one composed answer per question.

Every finished question is appended to runs.jsonl at once, so a killed run resumes where it
stopped; a run directory is tied to the index version and settings it started with.

Inside `with RayExecutor(...)` (`medcite eval --executor ray`) the questions are answered in parallel by
Ray actors, each opening the index and the answer service once; a question's retrieval runs, answer
and follow-up go to one actor, in order, and runs.jsonl gets the same records in the same order.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

from tqdm import tqdm

from core.errors import Conflict
from core.settings import Settings
from evaluation.questions import Question
from index.build import EXECUTOR
from index.search import Searcher
from ingest.models import TITLE_SECTION
from qa.conversations import ConversationStore
from qa.models import Answer
from qa.service import AnswerService

DEPTH = 50  # documents kept per ranking: enough for Recall@50
NOT_STATED = "not stated"


class RunDirError(Conflict, ValueError):
    """A run directory that holds another set's or another index's runs."""


def _doc_ranking(searcher: Searcher, question: str, mode: str) -> list[str]:
    docs: list[str] = []
    for hit in searcher.search(question, k=min(searcher.settings.max_k, 4 * DEPTH), mode=mode):  # type: ignore[arg-type]
        if hit.passage.doc_id not in docs:
            docs.append(hit.passage.doc_id)
    return docs[:DEPTH]


def _statement_docs(answer: Answer) -> list[list[str]]:
    """Per statement, every document it cites: its main source plus the documents of the duplicates its
    refs add, so a statement counts as on-topic when any source it shows the reader is gold."""
    by_number = {r.number: r.doc_id for r in answer.references}
    return [sorted({s.doc_id} | {by_number[n] for n in s.refs if n in by_number}) for s in answer.statements()]


def _section_statements(answer: Answer) -> dict[str, int]:
    """Statements per answer section, so an evaluator sees where the citations come from."""
    return {
        "guideline": len(answer.guidelines.lead)
        + len(answer.guidelines.points)
        + sum(len(group.points) for group in answer.guidelines.sections),
        "research": sum(len(group.points) for group in answer.research.sections),
        "reference": sum(len(group.points) for group in answer.reference_pages.sections),
    }


def _read(answer: Answer) -> list[str]:
    """Each statement as the page shows it (a graded one ends after its grade label)."""
    return [s.text + (f" [{s.grade}]." if s.grade else "") for s in answer.statements()]


def _is_title(searcher: Searcher, chunk_id: str) -> bool:
    passage = searcher.store.passage(chunk_id)
    return passage is not None and passage.section == TITLE_SECTION


def _follow_up(service: AnswerService, searcher: Searcher, q: Question, first: Answer) -> dict | None:
    """The set's follow-up asked in the first answer's conversation: what it was understood as (and how close
    in meaning to the standalone question the set gives), its lead, and how much of it the first answer
    had already shown."""
    follow_up = q.extra.get("follow_up")
    if not follow_up or not first.conversation_id:
        return None
    answer = service.ask(str(follow_up), conversation_id=first.conversation_id)
    shown = {(s.chunk_id, *s.span) for s in first.statements()}
    statements = answer.statements()
    record = {
        "understood_as": answer.understood_as,
        "lead": [s.text for s in answer.guidelines.lead],
        "statement_texts": _read(answer),
        "repeated": sum((s.chunk_id, *s.span) in shown for s in statements),
        "statements": len(statements),
    }
    if q.extra.get("follow_up_standalone"):
        vectors = [searcher.embed_query(t) for t in (answer.understood_as, str(q.extra["follow_up_standalone"]))]
        record["standalone_cosine"] = float(vectors[0] @ vectors[1])
    return record


def _answer_record(service: AnswerService, searcher: Searcher, q: Question) -> dict:
    timings: dict[str, float] = {}
    answer = service.ask(q.question, timings=timings)
    statements = answer.statements()
    grounded = 0
    for s in statements:
        passage = searcher.store.passage(s.chunk_id)
        quoted = (
            {passage.statement_text(o) for o, (a, b, _) in passage.statements.items() if (a, b) == tuple(s.span)}
            if passage
            else set()
        )
        grounded += s.text in quoted
    # Statement documents, not a verdict against gold: gold may change (qrels) while a run is resumed.
    return {
        "kind": "answer",
        "id": q.id,
        "abstained": answer.abstained,
        "statements": len(statements),
        "grounded": grounded,
        "cited_docs": sorted({r.doc_id for r in answer.references}),
        "statement_docs": _statement_docs(answer),
        "section_statements": _section_statements(answer),
        "headings": [group.heading for group in answer.research.sections],
        # each research point's study design as shown (qa/study.py), "not stated" when none is
        "research_designs": [
            (s.study.design if s.study else None) or NOT_STATED for g in answer.research.sections for s in g.points
        ],
        "lead": [s.text for s in answer.guidelines.lead],
        "statement_texts": _read(answer),
        "statement_titles": [_is_title(searcher, s.chunk_id) for s in statements],
        "reference_docs": [r.doc_id for r in answer.references],
        "cited_pages": {r.doc_id: r.pages for r in answer.references if r.pages},
        "text": " ".join(s.text for s in statements),
        "evidence": [e.doc_id for e in answer.evidence[:10]],
        "ms": timings,
        "follow_up": _follow_up(service, searcher, q, answer),
    }


def _record(service: AnswerService, searcher: Searcher, kind: str, mode: str, q: Question) -> dict:
    started = time.perf_counter()
    if kind == "answer":
        return _answer_record(service, searcher, q)
    record: dict = {"kind": kind, "mode": mode, "id": q.id, "docs": _doc_ranking(searcher, q.question, mode)}
    record["ms"] = {"retrieve": (time.perf_counter() - started) * 1000}
    return record


class QuestionWorker:
    """A Ray actor's state: the index and an answer service opened once, the run's own conversations
    (SQLite in the run directory, shared safely between processes)."""

    def __init__(self, settings: Settings, out: Path, version: str) -> None:
        from app.services import open_searcher

        self.searcher = open_searcher(settings)
        if self.searcher.manifest.version != version:
            raise RunDirError(f"index {self.searcher.manifest.version} was published while the run started on {version}")
        self.conversations = ConversationStore(out / "conversations.sqlite")
        self.service = AnswerService(self.searcher, self.conversations, settings)

    def records(self, q: Question, items: list[tuple[str, str]]) -> list[dict]:
        return [_record(self.service, self.searcher, kind, mode, q) for kind, mode in items]

    def close(self) -> None:
        """Before the actor goes: the conversations' SQLite closed cleanly (no -wal/-shm left in the run dir)."""
        self.conversations.close()
        self.searcher.close()


def _parallel(executor, todo: list[tuple[str, str, Question]], settings: Settings, out: Path, version: str) -> Iterator[dict]:  # noqa: ANN001
    """The records of `todo`, in its order, from an ActorPool of QuestionWorkers (one per worker of the
    executor, at most one per question); each question's items go to one actor together."""
    import ray
    from ray.util import ActorPool

    groups: dict[str, tuple[Question, list[tuple[str, str]]]] = {}
    for kind, mode, q in todo:
        groups.setdefault(q.id, (q, []))[1].append((kind, mode))
    worker = ray.remote(num_cpus=1)(QuestionWorker)
    actors = [worker.remote(settings, out, version) for _ in range(min(executor.size(), len(groups)))]
    try:
        for records in ActorPool(actors).map(lambda actor, group: actor.records.remote(*group), list(groups.values())):
            yield from records
    finally:
        # Ray types ActorClass.remote() as "ActorHandle | the class" and a handle's methods only through @ray.method
        ray.wait([actor.close.remote() for actor in actors], num_returns=len(actors), timeout=60)  # type: ignore[attr-defined]
        for actor in actors:
            ray.kill(actor)  # type: ignore[arg-type]


def _done(path: Path) -> set[tuple[str, str, str]]:
    if not path.is_file():
        return set()
    done = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut short by a kill: that question runs again
        done.add((record["kind"], record.get("mode", ""), record["id"]))
    return done


def read_runs(path: Path) -> Iterator[dict]:
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            yield json.loads(line)
        except json.JSONDecodeError:
            continue


def run(
    questions: list[Question], searcher: Searcher, settings: Settings, modes: list[str], out: Path, progress: bool = True
) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    info: dict = {"index_version": searcher.manifest.version, "settings": settings.model_dump(mode="json", exclude={"api"})}
    info_path = out / "run-info.json"
    if info_path.is_file():
        previous = json.loads(info_path.read_text(encoding="utf-8"))
        if previous["index_version"] != info["index_version"]:
            raise RunDirError(f"{out} holds a run on index {previous['index_version']}; use another --out for this index")
        if previous["settings"] != info["settings"]:
            changed = sorted(k for k in info["settings"] if previous["settings"].get(k) != info["settings"][k])
            raise RunDirError(f"{out} holds a run with other settings ({', '.join(changed)}); use another --out")
    else:
        info_path.write_text(json.dumps(info, indent=1), encoding="utf-8")
    runs = out / "runs.jsonl"
    done = _done(runs)
    if runs.is_file() and runs.stat().st_size and not runs.read_bytes().endswith(b"\n"):
        with runs.open("a", encoding="utf-8") as handle:
            handle.write("\n")  # end the line a kill cut short; it is skipped when read
    todo = [
        (kind, mode, q)
        for q in questions
        for kind, mode in [*(("retrieval", m) for m in modes), ("answer", "")]
        if (kind, mode, q.id) not in done
    ]
    executor, conversations = EXECUTOR.get(), None
    if executor is not None and todo:
        records = _parallel(executor, todo, settings, out, searcher.manifest.version)
    else:  # conversations of the run's own, so a set's follow-ups are asked as a clinician would ask them
        conversations = ConversationStore(out / "conversations.sqlite")
        service = AnswerService(searcher, conversations, settings)
        records = (_record(service, searcher, kind, mode, q) for kind, mode, q in todo)
    try:
        with runs.open("a", encoding="utf-8") as handle, tqdm(total=len(todo), desc="evaluating", disable=not progress) as bar:
            for record in records:
                handle.write(json.dumps(record) + "\n")
                handle.flush()
                bar.update(1)
    finally:
        if conversations is not None:
            conversations.close()  # closed cleanly: the run dir keeps no -wal/-shm beside it
    return runs
