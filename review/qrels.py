"""Editor judgments as relevance labels: TREC qrels, and the JSONL question-set format the evaluator reads."""

from __future__ import annotations

import json


def to_trec(rows: list[tuple[str, str, str, str, int]]) -> str:
    """`query-id 0 doc-id grade` per judged document (a document's best grade over its passages)."""
    best: dict[tuple[str, str], int] = {}
    for answer_id, _, doc_id, _, grade in rows:
        best[(answer_id, doc_id)] = max(grade, best.get((answer_id, doc_id), 0))
    return "".join(f"{qid} 0 {doc} {grade}\n" for (qid, doc), grade in sorted(best.items()))


def to_jsonl(rows: list[tuple[str, str, str, str, int]]) -> str:
    """One question per line: `id`, `question`, `relevant` (grade ≥ 1) and graded `relevance`."""
    questions: dict[str, dict] = {}
    for answer_id, question, doc_id, _, grade in rows:
        entry = questions.setdefault(answer_id, {"id": answer_id, "question": question, "relevant": [], "relevance": {}})
        entry["relevance"][doc_id] = max(grade, entry["relevance"].get(doc_id, 0))
    lines = []
    for entry in questions.values():
        entry["relevant"] = sorted(d for d, g in entry["relevance"].items() if g >= 1)
        lines.append(json.dumps(entry))
    return "".join(line + "\n" for line in lines)
