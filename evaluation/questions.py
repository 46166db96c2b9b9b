"""Question sets: JSONL or CSV with `id`, `question`, `relevant`, optional `reference_answer` and
graded `relevance`, optionally overridden by TREC qrels."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import Invalid


class QuestionSetError(Invalid, ValueError):
    """A question set that cannot be read; the message names the file and line."""


@dataclass(slots=True)
class Question:
    id: str
    question: str
    relevant: dict[str, int]  # gold document (or chunk) id → grade (≥ 1 relevant)
    reference_answer: str | None = None
    extra: dict = field(default_factory=dict)


def _relevance(record: dict, where: str) -> dict[str, int]:
    graded = record.get("relevance") or record.get("graded") or {}
    relevant = record.get("relevant") or []
    if isinstance(relevant, str):
        relevant = [r.strip() for r in relevant.replace(",", ";").split(";") if r.strip()]
    if not isinstance(relevant, list) or not isinstance(graded, dict):
        raise QuestionSetError(f"{where}: 'relevant' must be a list and 'relevance' an object")
    out = {str(doc): 1 for doc in relevant}
    out.update({str(doc): int(grade) for doc, grade in graded.items()})
    return out


def _question(record: dict, where: str) -> Question:
    qid, text = str(record.get("id") or "").strip(), str(record.get("question") or "").strip()
    if not qid or not text:
        raise QuestionSetError(f"{where}: every question needs an 'id' and a 'question'")
    extra = {
        k: v for k, v in record.items() if k not in {"id", "question", "relevant", "relevance", "graded", "reference_answer"}
    }
    return Question(qid, text, _relevance(record, where), (record.get("reference_answer") or None), extra)


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    """TREC qrels: `query-id iteration doc-id grade` per line."""
    qrels: dict[str, dict[str, int]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 4 or not parts[3].lstrip("-").isdigit():
            raise QuestionSetError(f"{path}:{number}: a qrels line is 'query-id 0 doc-id grade'")
        qrels.setdefault(parts[0], {})[parts[2]] = int(parts[3])
    return qrels


def read_questions(path: Path, qrels: Path | None = None) -> list[Question]:
    if not path.is_file():
        raise QuestionSetError(f"question set not found: {path}")
    questions: list[Question] = []
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8", newline="") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=2):
                questions.append(_question(row, f"{path}:{number}"))
    else:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise QuestionSetError(f"{path}:{number}: not JSON ({exc.msg})") from exc
            questions.append(_question(record, f"{path}:{number}"))
    ids = [q.id for q in questions]
    if len(set(ids)) != len(ids):
        raise QuestionSetError(f"{path}: question ids repeat")
    if qrels is not None:
        judged = read_qrels(qrels)
        for q in questions:
            if q.id in judged:
                q.relevant = judged[q.id]
    if not questions:
        raise QuestionSetError(f"{path}: no questions")
    return questions
