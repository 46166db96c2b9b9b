"""Fitting the admission model (qa/admission.py) and judging it by cross-validation on whole answers.

Training data are questions whose gold documents are known, from three kinds of source so that no kind of
document learns only to be refused:
- the guideline sets (`evaluation/sets/guideline-*.jsonl`): gold the guideline that holds the answer;
- PubMedQA (`pubmedqa-dev.jsonl` in the data dir): gold the abstract the question was written from; its first
  `held_out` questions are never trained on, only reported;
- MedQuAD (the manifest's reference pages): a question of every `medquad_every`-th page, gold that page.

Each question is asked of the index with admission off; its pool's documents are labelled gold or not. The
folds leave one guideline out (and a quarter of the other questions), so a fold is tested on a guideline no
model it is judged by has seen. The model is a logistic regression over standardised features, each question
weighing the same; its regularisation is chosen by log-loss inside the training folds, and its threshold on the
training folds' own answers: the one that makes the most of statement precision and the gold document cited
together. Every figure is measured on answers composed as the product composes them (qa/compose.py), with
today's answers (no admission) beside them. Deterministic: lbfgs, no sampling.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from lxml import etree
from sklearn.linear_model import LogisticRegression

from core.settings import QASettings, Settings
from evaluation.answer_checks import holds
from evaluation.questions import Question
from evaluation.runner import _statement_docs
from ingest.manifest import read_manifest
from qa.admission import NAMES, AdmissionModel, Document, admitted, documents, matrix
from qa.compose import compose
from qa.models import Answer
from qa.relevance import Topicality
from qa.service import AnswerService, Gathered

FOLDS = 4
GUIDELINE_SOURCES = ("guideline", "rewording")  # folded by their guideline: no fold is tested on one it trained on
REGULARISATION = (0.01, 0.1, 1.0, 10.0)
THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(1, 13))  # 0.05 … 0.60


@dataclass(slots=True)
class Case:
    """One question asked with admission off: what the answer was composed from, and its pool's documents."""

    question: Question
    source: str  # guideline · rewording (of a guideline question: scored per fold, never trained on) · pubmedqa · medquad
    fold: int
    held_out: bool  # reported, never trained on
    found: Gathered
    topics: dict[str, Topicality]
    documents: list[Document]
    features: np.ndarray
    labels: np.ndarray

    @property
    def trains(self) -> bool:
        return not self.held_out and self.source != "rewording"

    @property
    def gold(self) -> set[str]:
        return {doc for doc, grade in self.question.relevant.items() if grade > 0}


def medquad_questions(settings: Settings, every: int) -> list[Question]:
    """A question of every `every`-th reference page of the manifest (its pairs taken in turn), gold that page."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    pages = [e for e in read_manifest(settings.manifest) if e.kind == "reference" and e.format == "medquad"]
    out = []
    for number, entry in enumerate(pages[::every]):
        root = etree.parse(str(settings.source_root(entry.path) / entry.path), parser).getroot()
        asked = [" ".join("".join(e.itertext()).split()) for e in root.iter() if str(e.tag).lower() == "question"]
        asked = [q.rstrip(" ?") + "?" for q in asked if q.strip(" ?")]
        if asked:
            out.append(Question(f"medquad-{entry.id}", asked[number % len(asked)], {entry.path: 1}))
    return out


def _fold(key: str) -> int:
    return zlib.crc32(key.encode()) % FOLDS


def collect(
    service: AnswerService, questions: Iterable[tuple[Question, str, bool]], guideline_folds: dict[str, int]
) -> list[Case]:
    """Ask each (question, source, held out) with admission off and keep its pool's documents, labelled."""
    if service.admission is not None:
        raise ValueError("collect needs a service with admission off (settings.qa.admission = False)")
    cases = []
    for q, source, held_out in questions:
        found = service.gather(q.question)
        topics = service.topics(found.question, found.hits)
        docs = documents(found.pool, topics)
        gold = {doc for doc, grade in q.relevant.items() if grade > 0}
        fold = guideline_folds[min(gold)] if source in GUIDELINE_SOURCES else _fold(q.id)
        labels = np.asarray([d.doc_id in gold for d in docs], dtype=bool)
        cases.append(Case(q, source, fold, held_out, found, topics, docs, matrix(docs), labels))
    return cases


def fit(cases: Sequence[Case], regularisation: float, threshold: float = 0.5, about: dict | None = None) -> AdmissionModel:
    """Logistic regression over standardised features; every question weighs the same."""
    train = [c for c in cases if len(c.documents)]
    stacked = np.vstack([c.features for c in train])
    mean, scale = stacked.mean(axis=0), stacked.std(axis=0)
    scale[scale < 1e-9] = 1.0
    labels = np.concatenate([c.labels for c in train])
    weights = np.concatenate([np.full(len(c.documents), 1.0 / len(c.documents)) for c in train])
    if labels.all() or not labels.any():  # one class only (a tiny corpus): the base rate, no weights
        intercept = 6.0 if labels.all() else -6.0
        return AdmissionModel(NAMES, mean, scale, np.zeros(len(NAMES)), intercept, threshold, about)
    model = LogisticRegression(C=regularisation, max_iter=5000)
    model.fit((stacked - mean) / scale, labels, sample_weight=weights)
    return AdmissionModel(NAMES, mean, scale, model.coef_[0], float(model.intercept_[0]), threshold, about)


def _log_loss(model: AdmissionModel, cases: Sequence[Case]) -> float:
    losses = []
    for c in cases:
        if len(c.documents):
            p = np.clip(model.probability(c.features), 1e-6, 1 - 1e-6)
            losses.append(float(-np.mean(np.where(c.labels, np.log(p), np.log(1 - p)))))
    return float(np.mean(losses)) if losses else 0.0


def choose_regularisation(cases: Sequence[Case]) -> float:
    """The C with the lowest held-out log-loss over the folds present in `cases`."""
    folds = sorted({c.fold for c in cases})

    def loss(c: float) -> float:
        return float(
            np.mean([_log_loss(fit([x for x in cases if x.fold != f], c), [x for x in cases if x.fold == f]) for f in folds])
        )

    return min(REGULARISATION, key=loss)


def answer(case: Case, model: AdmissionModel | None, settings: QASettings, threshold: float | None = None) -> Answer:
    """The answer the product would give with this model (None: no admission), composed from the case."""
    found = case.found
    pool = admitted(found.pool, case.topics, model, threshold) if model else found.pool
    return compose(
        case.question.question,
        found.question,
        found.hits,
        pool,
        settings,
        "",
        "clinician",
        None,
        found.scope,
    )


def judged(case: Case, given: Answer) -> dict[str, float]:
    """What the evaluator measures of one answer (evaluation/metrics.py), for this question."""
    gold = case.gold
    statement_docs = _statement_docs(given)
    cited = {r.doc_id for r in given.references}
    out = {
        "statements": float(len(statement_docs)),
        "on_topic": float(sum(bool(gold & set(docs)) for docs in statement_docs)),
        "gold_cited": float(bool(cited & gold)),
    }
    if statement_docs:
        out["statement_precision"] = out["on_topic"] / len(statement_docs)
    if cited:
        out["citation_precision"] = len(cited & gold) / len(cited)
    extra = case.question.extra
    if quote := extra.get("gold_quote"):
        out["lead_holds_gold"] = float(holds([s.text for s in given.guidelines.lead], quote, extra.get("key_numbers") or ()))
    if pages := extra.get("gold_pages"):
        cited_pages = {p for r in given.references if r.doc_id in gold for p in r.pages}
        out["gold_page_cited"] = float(bool(cited_pages & set(pages)))
    return out


def figures(rows: Sequence[dict[str, float]]) -> dict[str, float | None]:
    """Means over answers, and the pooled share of statements citing no gold document (as medcite eval does)."""
    out: dict[str, float | None] = {"questions": float(len(rows))}
    for name in ("statement_precision", "citation_precision", "gold_cited", "lead_holds_gold", "gold_page_cited"):
        values = [r[name] for r in rows if name in r]
        out[name] = round(float(np.mean(values)), 4) if values else None
    statements = sum(r["statements"] for r in rows)
    out["off_topic_share"] = round(1 - sum(r["on_topic"] for r in rows) / statements, 4) if statements else None
    out["statements_per_answer"] = round(statements / len(rows), 3) if rows else None
    return out


def _objective(rows: Sequence[dict[str, float]]) -> float:
    return float(np.mean([r.get("statement_precision", 0.0) for r in rows]) + np.mean([r["gold_cited"] for r in rows]))


def choose_threshold(model: AdmissionModel, cases: Sequence[Case], settings: QASettings) -> float:
    """The threshold whose answers make the most of statement precision plus the gold document cited."""
    scored = {t: _objective([judged(c, answer(c, model, settings, t)) for c in cases]) for t in THRESHOLDS}
    return max(THRESHOLDS, key=lambda t: (round(scored[t], 6), -t))


def _by_source(rows: Sequence[tuple[Case, dict[str, float]]]) -> dict[str, dict]:
    sources = sorted({c.source for c, _ in rows})
    return {s: figures([r for c, r in rows if c.source == s]) for s in sources}


def cross_validate(cases: Sequence[Case], settings: QASettings, progress: Callable[[str], None] = lambda _: None) -> dict:
    """Per fold: fit on the other folds' training cases and test on this fold's; today's answers beside them."""
    trainable = [c for c in cases if c.trains]
    tested: list[tuple[Case, dict[str, float]]] = []
    before: list[tuple[Case, dict[str, float]]] = []
    folds = []
    for f in range(FOLDS):
        train = [c for c in trainable if c.fold != f]
        c_value = choose_regularisation(train)
        model = fit(train, c_value)
        threshold = choose_threshold(model, train, settings)
        model = fit(train, c_value, threshold)
        test = [c for c in cases if c.fold == f and not c.held_out]  # with the rewordings of its guideline
        rows = [(c, judged(c, answer(c, model, settings))) for c in test]
        tested += rows
        before += [(c, judged(c, answer(c, None, settings))) for c in test]
        guideline = sorted({min(c.gold) for c in test if c.source == "guideline"})
        folds.append(
            {"fold": f, "held_out_guideline": guideline, "C": c_value, "threshold": threshold, "figures": _by_source(rows)}
        )
        progress(f"fold {f} ({', '.join(guideline)}): C {c_value}, threshold {threshold}")
    return {"folds": folds, "pooled": {"before": _by_source(before), "after": _by_source(tested)}}


def held_out(model: AdmissionModel, cases: Sequence[Case], settings: QASettings) -> dict:
    """Today's answers and the model's on the questions no model was trained on."""
    held = [c for c in cases if c.held_out]
    return {
        "before": figures([judged(c, answer(c, None, settings)) for c in held]),
        "after": figures([judged(c, answer(c, model, settings)) for c in held]),
    }


def worth(model: AdmissionModel) -> list[tuple[str, float]]:
    """Each feature's weight per standard deviation, largest first."""
    return sorted(zip(model.names, (round(float(w), 3) for w in model.weights)), key=lambda x: -abs(x[1]))


def report(path: Path, results: dict) -> None:
    path.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
