"""`medcite train-design`: fit the study-design model (ingest/design_model.py) on the shipped research records
whose indexing terms name a design, measure it on records it never saw with those terms hidden, choose the
confidence threshold on those held-out predictions, and (with --write) replace ingest/design_model.json.

Deterministic: the same data gives the same folds, the same vocabulary and the same weights, to the digit.
The model reads title and abstract only (ingest/study.model_text); the MeSH terms that gave a record its
label are never in its input, since the corpora it will meet mostly have none.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_selection import chi2
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold

from core.errors import Invalid
from core.settings import Settings
from ingest.design_labels import label_for
from ingest.design_lexicon import DESIGN_KEYS, DESIGN_LABELS
from ingest.design_model import WEIGHTS, DesignModel, terms, vectorise
from ingest.manifest import read_manifest
from ingest.readers.abstracts import read_abstracts
from ingest.readers.registry import READERS
from ingest.study import model_text

FOLDS = 5
MIN_SUPPORT = 15  # a design with fewer labelled records is not learnt (it is still read from labels)
VOCABULARY = 1000  # small weights file; held out, 500 terms scored lower (0.75), 1,500 and 2,000 tied (0.785, 0.795)
MIN_DF = 3  # a term in fewer training records is noise, and would let the model memorise records (5 tied, 8 lower)
C_GRID = (0.5, 2.0, 8.0)
TARGET_PRECISION = 0.95  # a predicted design is shown only where held-out predictions were this precise: 19 in 20
SEED = 0


@dataclass(frozen=True, slots=True)
class Example:
    doc_id: str
    counts: Counter  # terms of title + abstract
    design: str


def examples(settings: Settings) -> tuple[list[Example], Counter]:
    """Every research document of the manifest with a design label, read by the real readers; and the count
    of labelled documents per design before rare designs are set aside."""
    found: list[Example] = []
    for entry in read_manifest(settings.manifest):
        if entry.kind != "research":
            continue
        path = settings.source_root(entry.path) / entry.path
        documents = read_abstracts(path, entry) if entry.format == "jsonl" else READERS[entry.format](path, entry)
        for document in documents:
            label = label_for(document.index_terms)
            if label is not None:
                found.append(Example(document.doc_id, terms(model_text(document)), label.design))
    support = Counter(e.design for e in found)
    if not found:
        raise Invalid(f"no research document in {settings.manifest} carries a design label; nothing to learn from")
    return [e for e in found if support[e.design] >= MIN_SUPPORT], support


def _is_cue(term: str) -> bool:
    return term.startswith(("cue:", "own cue:"))


def _candidates(train: list[Example]) -> list[str]:
    df = Counter(term for e in train for term in e.counts)
    return sorted(term for term, n in df.items() if n >= MIN_DF)


def _idf(train: list[Example], vocabulary: list[str]) -> np.ndarray:
    df = Counter(term for e in train for term in e.counts)
    n = len(train)
    return np.array([np.log((1 + n) / (1 + df[t])) + 1.0 for t in vocabulary])


def _sparse(rows: list[Example], vocabulary: list[str], idf: np.ndarray) -> sparse.csr_matrix:
    """The same weighting as ingest/design_model.vectorise, sparse, for choosing among many candidate terms."""
    index = {t: i for i, t in enumerate(vocabulary)}
    data, columns, pointers = [], [], [0]
    for e in rows:
        cells = sorted((index[t], idf[index[t]]) for t in e.counts if t in index)
        norm = np.sqrt(sum(v * v for _, v in cells)) or 1.0
        columns += [c for c, _ in cells]
        data += [v / norm for _, v in cells]
        pointers.append(len(columns))
    return sparse.csr_matrix((data, columns, pointers), shape=(len(rows), len(vocabulary)))


def fit(train: list[Example], c: float, about: dict | None = None, threshold: float = 1.0) -> DesignModel:
    """Vocabulary by chi² among terms in at least MIN_DF training records, then a class-balanced multinomial
    logistic regression; weights rounded as the JSON keeps them, so what is measured is what ships."""
    candidates = _candidates(train)
    matrix = _sparse(train, candidates, _idf(train, candidates))
    designs = [e.design for e in train]
    scores, _ = chi2(matrix, designs)
    # The lexicon's cues always stay in: they are what the model should lean on where the words are sparse.
    order = sorted(range(len(candidates)), key=lambda i: (not _is_cue(candidates[i]), -np.nan_to_num(scores[i]), candidates[i]))
    vocabulary = sorted(candidates[i] for i in order[:VOCABULARY])
    idf = _idf(train, vocabulary)
    x = vectorise([e.counts for e in train], {t: i for i, t in enumerate(vocabulary)}, idf)
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000, random_state=SEED).fit(x, designs)
    classes = tuple(model.classes_)
    return DesignModel(
        classes=classes,
        vocabulary={t: i for i, t in enumerate(vocabulary)},
        idf=np.round(idf, 4),
        coef=np.round(model.coef_, 4),
        intercept=np.round(model.intercept_, 5),
        threshold=threshold,
        about=about or {},
    )


def _probabilities(model: DesignModel, rows: list[Example]) -> np.ndarray:
    """Held-out probabilities in DESIGN_KEYS order (a fold may lack a rare class)."""
    p = model.probabilities([e.counts for e in rows])
    out = np.zeros((len(rows), len(DESIGN_KEYS)))
    out[:, [DESIGN_KEYS.index(c) for c in model.classes]] = p
    return out


def _folds(rows: list[Example], folds: int) -> list[tuple[np.ndarray, np.ndarray]]:
    # Grouped by document, so no document is ever on both sides; stratified, so each fold has each design.
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=SEED)
    return list(splitter.split(np.zeros(len(rows)), [e.design for e in rows], [e.doc_id for e in rows]))


def _macro_f1(truth: list[str], predicted: list[str]) -> float:
    return float(np.mean([f1 for _, _, f1, _ in per_class(truth, predicted).values()]))


def per_class(truth: list[str], predicted: list[str]) -> dict[str, tuple[float, float, float, int]]:
    """design → (precision, recall, F1, support), for the designs that occur in `truth`."""
    out = {}
    for design in sorted(set(truth), key=DESIGN_KEYS.index):
        tp = sum(t == p == design for t, p in zip(truth, predicted))
        said = sum(p == design for p in predicted)
        support = sum(t == design for t in truth)
        precision, recall = (tp / said if said else 0.0), tp / support
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[design] = (precision, recall, f1, support)
    return out


def choose_c(rows: list[Example], folds: int) -> float:
    """The regularisation with the best macro-F1 in folds inside `rows` (ties: the stronger regularisation)."""
    scores = []
    for c in C_GRID:
        truth, predicted = [], []
        for train, test in _folds(rows, folds):
            model = fit([rows[i] for i in train], c)
            p = _probabilities(model, [rows[i] for i in test])
            truth += [rows[i].design for i in test]
            predicted += [DESIGN_KEYS[j] for j in p.argmax(axis=1)]
        scores.append(_macro_f1(truth, predicted))
    return C_GRID[int(np.argmax(scores))]  # the first of equal scores: C_GRID runs from the strongest


def choose_threshold(confidence: np.ndarray, correct: np.ndarray, target: float = TARGET_PRECISION) -> float:
    """The lowest threshold (on a 0.01 grid) at which held-out predictions at or above it are `target`
    precise, counting at least 20 of them; 1.0 (nothing shown) when none is."""
    for t in np.round(np.arange(0.0, 1.0, 0.01), 2):
        kept = confidence >= t
        if kept.sum() >= 20 and correct[kept].mean() >= target:
            return float(t)
    return 1.0


def held_out(rows: list[Example], folds: int, c: float | None = None) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """Per record, in DESIGN_KEYS order, the probabilities of a model fitted without it, and the confidence
    ingest would weigh against the threshold (DesignModel.shown): -1 where the text names a design the model
    has not learnt, or holds no cue phrase of the predicted one. `c` None: chosen inside each training fold."""
    probabilities = np.zeros((len(rows), len(DESIGN_KEYS)))
    confidence = np.zeros(len(rows))
    chosen = []
    for train_index, test_index in _folds(rows, folds):
        train_rows = [rows[i] for i in train_index]
        chosen.append(c if c is not None else choose_c(train_rows, folds))
        model = fit(train_rows, chosen[-1])
        p = _probabilities(model, [rows[i] for i in test_index])
        probabilities[test_index] = p
        for i, row in zip(test_index, p):
            design = DESIGN_KEYS[int(row.argmax())]
            shown = model.unlearnt(rows[i].counts) is None and rows[i].counts.get(f"cue:{design}")
            confidence[i] = row.max() if shown else -1.0
    return probabilities, confidence, chosen


def _figures(truth: list[str], probabilities: np.ndarray, mask: np.ndarray | None = None) -> dict:
    predicted = [DESIGN_KEYS[j] for j in probabilities.argmax(axis=1)]
    keep = np.ones(len(truth), dtype=bool) if mask is None else mask
    t = [x for x, k in zip(truth, keep) if k]
    p = [x for x, k in zip(predicted, keep) if k]
    return {
        "share": float(keep.mean()),
        "precision": float(np.mean([a == b for a, b in zip(t, p)])) if t else None,
        "macro_f1": _macro_f1(t, p) if t else None,
        "per_class": {d: dict(zip(("precision", "recall", "f1", "support"), v)) for d, v in per_class(t, p).items()},
    }


def train(settings: Settings, write: bool = False, folds: int = FOLDS, progress: Callable[[str], None] = lambda _: None) -> dict:
    """The figures of record by nested cross-validation (C chosen inside each training fold); then C chosen
    on every record, the threshold from held-out predictions made with that C (so it fits the model that
    ships), and the model refitted on every labelled record."""
    rows, support = examples(settings)
    progress(f"{len(rows)} labelled research documents: " + ", ".join(f"{d} {n}" for d, n in support.most_common()))
    truth = [e.design for e in rows]
    nested, _, chosen = held_out(rows, folds)
    overall = _figures(truth, nested)
    c = choose_c(rows, folds)
    progress(f"nested C per fold {chosen}; C for the model {c}")
    probabilities, confidence, _ = held_out(rows, folds, c)
    correct = np.array([t == DESIGN_KEYS[j] for t, j in zip(truth, probabilities.argmax(axis=1))])
    threshold = choose_threshold(confidence, correct)
    backed = confidence >= 0
    results = {
        "documents": len(rows),
        "folds": folds,
        "labelled": dict(support.most_common()),
        "learnt": sorted(set(truth), key=DESIGN_KEYS.index),
        "set_aside": sorted(d for d, n in support.items() if n < MIN_SUPPORT),
        "per_class": overall["per_class"],
        "macro_f1": overall["macro_f1"],
        "accuracy": overall["precision"],
        "C_per_fold": chosen,
        "C": c,
        "threshold": threshold,
        "target_precision": TARGET_PRECISION,
        "above_threshold": _figures(truth, probabilities, confidence >= threshold),
        "unbacked": int((~backed).sum()),
        "unbacked_precision": float(correct[~backed].mean()) if (~backed).any() else None,
        "curve": [
            {
                "threshold": float(t),
                "share": float((confidence >= t).mean()),
                "precision": float(correct[confidence >= t].mean()) if (confidence >= t).any() else None,
            }
            for t in np.round(np.arange(0.0, 1.0, 0.05), 2)
        ],
    }
    shown = results["above_threshold"]
    about = {
        "fitted_on": len(rows),
        "C": c,
        "vocabulary": VOCABULARY,
        "min_df": MIN_DF,
        "tf": "binary",
        "folds": folds,
        "held_out_macro_f1": round(results["macro_f1"], 4),
        "threshold_rule": f"lowest held-out confidence at which predictions backed by a cue phrase are at "
        f"least {TARGET_PRECISION:.0%} precise",
        "held_out_shown": round(shown["share"], 4),
        "held_out_shown_precision": round(shown["precision"] or 0, 4),
        "labels": dict(support.most_common()),
        "designs": {d: DESIGN_LABELS[d] for d in results["learnt"]},
    }
    if write:
        fit(rows, c, about, threshold).write(WEIGHTS)
        results["written"] = str(WEIGHTS)
    return results


def table(results: dict) -> list[str]:
    """The held-out figures as text lines."""
    lines = [f"{'design':<38} {'precision':>9} {'recall':>7} {'F1':>6} {'support':>8}"]
    for design, row in results["per_class"].items():
        lines.append(
            f"{DESIGN_LABELS[design]:<38} {row['precision']:>9.3f} {row['recall']:>7.3f} {row['f1']:>6.3f} {row['support']:>8}"
        )
    kept = results["above_threshold"]
    lines += [
        f"macro-F1 {results['macro_f1']:.3f} · accuracy {results['accuracy']:.3f}"
        f" · {results['documents']} documents, {results['folds']}-fold",
        (
            f"threshold {results['threshold']:.2f}: {kept['share']:.1%} of held-out predictions shown (backed by the "
            f"text's own design words), precision {kept['precision'] or 0:.3f}, macro-F1 {kept['macro_f1'] or 0:.3f}"
        ),
    ]
    return lines
