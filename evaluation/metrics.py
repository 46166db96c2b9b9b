"""Metrics from runs: retrieval (ir-measures, the pytrec_eval implementations) with bootstrap intervals
and paired randomisation tests between modes; answer quality; latency percentiles."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import combinations

import ir_measures
import numpy as np
from ir_measures import RR, R, nDCG

from evaluation import answer_checks as checks
from evaluation.questions import Question
from qa.phrases import is_readable_heading
from qa.study import STRENGTH

MEASURES = {"R@1": R @ 1, "R@5": R @ 5, "R@10": R @ 10, "R@50": R @ 50, "MRR@10": RR @ 10, "nDCG@10": nDCG @ 10}
RESAMPLES = 2000
DEPTH_SCORE = 1000  # rankings become scores DEPTH_SCORE − rank for ir-measures


def bootstrap_ci(values: np.ndarray, seed: int = 0) -> tuple[float, float]:
    """95% percentile interval of the mean over questions."""
    if len(values) == 0:
        return (float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    means = values[rng.integers(0, len(values), size=(RESAMPLES, len(values)))].mean(axis=1)
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def paired_randomisation(a: np.ndarray, b: np.ndarray, seed: int = 0) -> float:
    """Two-sided p-value that mean(a − b) is 0, by random sign flips of the per-question differences."""
    diff = a - b
    if not diff.any():
        return 1.0
    rng = np.random.default_rng(seed)
    signs = rng.choice((-1.0, 1.0), size=(RESAMPLES * 5, len(diff)))
    observed = abs(diff.mean())
    return float(((np.abs((signs * diff).mean(axis=1)) >= observed - 1e-12).sum() + 1) / (len(signs) + 1))


def per_question(questions: list[Question], rankings: dict[str, list[str]]) -> dict[str, dict[str, float]]:
    """measure name → {question id → value}; a question with no ranking scores 0."""
    qrels = [ir_measures.Qrel(q.id, doc, grade) for q in questions for doc, grade in q.relevant.items()]
    run = [
        ir_measures.ScoredDoc(qid, doc, float(DEPTH_SCORE - i)) for qid, docs in rankings.items() for i, doc in enumerate(docs)
    ]
    values = {name: {q.id: 0.0 for q in questions} for name in MEASURES}
    by_measure = {measure: name for name, measure in MEASURES.items()}
    for metric in ir_measures.iter_calc(list(MEASURES.values()), qrels, run):
        values[by_measure[metric.measure]][metric.query_id] = float(metric.value)
    return values


def retrieval_summary(questions: list[Question], runs: dict[str, dict[str, list[str]]]) -> dict:
    """Per mode: mean and 95% CI of each measure; per pair of modes: the paired test's p-value."""
    ids = [q.id for q in questions if q.relevant]
    judged = [q for q in questions if q.relevant]
    values = {mode: per_question(judged, rankings) for mode, rankings in runs.items()}
    summary: dict = {"questions": len(ids), "modes": {}, "paired": {}}
    for mode, measures in values.items():
        summary["modes"][mode] = {}
        for name, by_q in measures.items():
            array = np.array([by_q[i] for i in ids])
            low, high = bootstrap_ci(array)
            summary["modes"][mode][name] = {"mean": float(array.mean()) if len(array) else 0.0, "ci95": [low, high]}
    for a, b in combinations(values, 2):
        summary["paired"][f"{a} vs {b}"] = {
            name: paired_randomisation(np.array([values[a][name][i] for i in ids]), np.array([values[b][name][i] for i in ids]))
            for name in MEASURES
        }
    summary["per_question"] = {
        mode: {"MRR@10": measures["MRR@10"], "R@10": measures["R@10"]} for mode, measures in values.items()
    }
    return summary


SECTIONS = ("guideline", "research", "reference")  # the answer's sections, as runner records them


def _gold(q: Question) -> set[str]:
    return {doc for doc, grade in q.relevant.items() if grade > 0}


def _mean(values: Sequence[float]) -> float | None:
    return float(np.mean(values)) if values else None


def statement_precision(questions: list[Question], answers: dict[str, dict]) -> tuple[float | None, float | None]:
    """(mean per answer of the share of statements citing a gold document, pooled share citing none).

    A statement is on-topic when any document it cites is gold. Only questions with gold count, and
    records from older runs without `statement_docs` are skipped rather than read as empty answers."""
    per_answer: list[float] = []
    off_topic = total = 0
    for q in questions:
        record, gold = answers.get(q.id), _gold(q)
        if record is None or not gold or "statement_docs" not in record:
            continue
        on_topic = sum(bool(gold & set(docs)) for docs in record["statement_docs"])
        count = len(record["statement_docs"])
        if count:
            per_answer.append(on_topic / count)
        off_topic += count - on_topic
        total += count
    return _mean(per_answer), (off_topic / total if total else None)


def abstention_with_evidence(questions: list[Question], answers: dict[str, dict], answerable: set[str] | None) -> float | None:
    """Share of abstentions among answered questions whose gold is in the index: a gold document the
    index lacks makes abstaining right, so only these abstentions are misses."""
    if answerable is None:
        return None
    return _mean([float(answers[q.id]["abstained"]) for q in questions if q.id in answerable and q.id in answers])


def section_means(records: list[dict]) -> dict[str, float | None]:
    """Mean statements per answer in each section, over records that say (older runs do not)."""
    counted = [r["section_statements"] for r in records if "section_statements" in r]
    return {f"{section}_statements_per_answer": _mean([c.get(section, 0) for c in counted]) for section in SECTIONS}


def _design_share(records: list[dict]) -> float | None:
    """Share of cited research points whose study design is shown (known or predicted)."""
    designs = [d for r in records for d in r.get("research_designs", [])]
    return sum(d != "not stated" for d in designs) / len(designs) if designs else None


def readable_heading_share(records: list[dict], judge: Callable[[str], bool] = is_readable_heading) -> float | None:
    """Share of research sub-headings that read as noun phrases, over records that list headings."""
    headings = [h for r in records for h in r.get("headings", [])]
    if not headings:
        return None
    return sum(bool(judge(h)) for h in headings) / len(headings)


def clinician_checks(questions: list[Question], answers: dict[str, dict]) -> dict[str, float | None]:
    """What a clinician sees (evaluation/answer_checks.py): the lead holding the gold quote, the gold page
    cited, debris and repeated statements, one reference per document. Over records that carry them."""
    lead, page, one_per_doc = [], [], []
    statements = debris = repeated = 0
    for q in questions:
        record = answers.get(q.id)
        if record is None or "statement_texts" not in record:
            continue
        texts = record["statement_texts"]
        statements += len(texts)
        titles = record.get("statement_titles") or [False] * len(texts)
        debris += sum(checks.is_debris(text, title) for text, title in zip(texts, titles))
        repeated += checks.duplicates(texts)
        one_per_doc.append(len(set(record["reference_docs"])) == len(record["reference_docs"]))
        if quote := q.extra.get("gold_quote"):
            lead.append(checks.holds(record["lead"], quote, q.extra.get("key_numbers") or ()))
        if q.extra.get("gold_pages"):
            cited = {p for doc in _gold(q) for p in record["cited_pages"].get(doc, [])}
            page.append(bool(cited & set(q.extra["gold_pages"])))
    follow_ups = [(q, answers[q.id]["follow_up"]) for q in questions if (answers.get(q.id) or {}).get("follow_up")]
    scoped = [
        checks.holds(f["lead"], q.extra["follow_up_out_of_scope"]) for q, f in follow_ups if q.extra.get("follow_up_out_of_scope")
    ]
    again = sum(f["repeated"] for _, f in follow_ups)
    shown = sum(f["statements"] for _, f in follow_ups)
    return {
        "lead_holds_gold": _mean(lead),
        "gold_page_cited": _mean(page),
        "follow_up_standalone_cosine": _mean([f["standalone_cosine"] for _, f in follow_ups if "standalone_cosine" in f]),
        "follow_up_repeated_share": again / shown if shown else None,
        "follow_up_states_scope": _mean(scoped),
        "debris_rate": debris / statements if statements else None,
        "duplicate_rate": repeated / statements if statements else None,
        "one_reference_per_document": _mean(one_per_doc),
    }


def answer_summary(questions: list[Question], answers: dict[str, dict], answerable: set[str] | None = None) -> dict:
    """Answer quality; `answerable` holds the ids of questions with a gold document in the index."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)
    precision, gold_in, rouge = [], [], []
    statements = grounded = abstained = 0
    records: list[dict] = []
    for q in questions:
        record = answers.get(q.id)
        if record is None:
            continue
        records.append(record)
        statements += record["statements"]
        grounded += record["grounded"]
        abstained += record["abstained"]
        gold = _gold(q)
        cited = set(record["cited_docs"])
        if cited and gold:
            precision.append(len(cited & gold) / len(cited))
        if gold:
            gold_in.append(bool(cited & gold))
        if q.reference_answer and record["text"]:
            rouge.append(scorer.score(q.reference_answer, record["text"])["rougeL"].fmeasure)
    n = len(records)
    by_statement, off_topic = statement_precision(questions, answers)
    return {
        "answers": n,
        "citation_precision": _mean(precision),
        "gold_in_answer": _mean(gold_in),
        "grounding_rate": grounded / statements if statements else None,
        "abstention_rate": abstained / n if n else None,
        "rouge_l": _mean(rouge),
        "statements_per_answer": statements / n if n else None,
        "statement_precision": by_statement,
        "off_topic_share": off_topic,
        "abstention_rate_with_evidence": abstention_with_evidence(questions, answers, answerable),
        **section_means(records),
        "readable_heading_share": readable_heading_share(records),
        "research_with_design_share": _design_share(records),
        **clinician_checks(questions, answers),
    }


def design_mix(records: list[dict]) -> dict[str, dict[str, float]]:
    """The study designs of the cited research points, per design (strongest first, qa/study.STRENGTH; "not
    stated" last): `share` of all research points, `mean_share` per answer (over answers citing research),
    and `per_answer`, the mean number of such points per answer. Over records that list designs."""
    counted = [r["research_designs"] for r in records if "research_designs" in r]
    with_research = [designs for designs in counted if designs]
    total = sum(len(designs) for designs in counted)
    if not total:
        return {}
    found = {design for designs in counted for design in designs}
    order = [d for d in STRENGTH if d in found] + sorted(found - set(STRENGTH))
    return {
        design: {
            "share": sum(designs.count(design) for designs in counted) / total,
            "mean_share": float(np.mean([designs.count(design) / len(designs) for designs in with_research])),
            "per_answer": sum(designs.count(design) for designs in counted) / len(counted),
        }
        for design in order
    }


def latency_summary(stages: dict[str, list[float]]) -> dict:
    return {
        stage: {f"p{p}": float(np.percentile(ms, p)) for p in (50, 95, 99)} | {"n": len(ms)} for stage, ms in stages.items() if ms
    }
