"""Fitting the lead ranker (qa/lead.py) and judging it by leave-one-guideline-out cross-validation.

Training data are questions with a gold quote: each is asked of an index, and the guideline pool its lead
is ranked from is kept, each sentence labelled by whether it holds the quote (evaluation/answer_checks.py).
The model is a pairwise logistic regression (within one question, a sentence holding the quote against one
that does not), so what it learns is which sentence answers, not how well a question is matched overall;
its linear score is then calibrated to a probability. Regularisation is chosen by cross-validation inside
the training folds; everything is deterministic (lbfgs, no sampling).

The hand-set weights the lead used before (`HAND_WEIGHTS`) are a model over the same features, so every
figure here has today's rules beside it in the same run.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import product

import numpy as np
from sklearn.linear_model import LogisticRegression

from core.settings import QASettings
from evaluation.answer_checks import holds
from evaluation.questions import Question
from qa.compose import guideline_statements, lead_pool
from qa.lead import LeadModel, rank_for_lead
from qa.lead_features import NAMES, QuestionTraits, context, matrix
from qa.select import Chosen
from qa.service import AnswerService
from qa.statements import Candidate

# The lead's rules as they were hand-written (qa/lead.py before the fit): a bonus per kind of sentence.
HAND_WEIGHTS = {
    "retrieval": 1.0,
    "asked_shift": 0.2,
    "directive": 0.04,
    "description": -0.04,
    "quantity_met": 0.04,
    "unit_met": 0.03,
    "contradicts": -0.08,
    "population_met": 0.04,
    "unknown_met": 0.04,
    "reason_met": 0.04,
    "risk_met": 0.04,
    "measure_met": 0.04,
    "together_met": 0.04,
    "caution_met": 0.05,
}
REGULARISATION = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0)


def hand_model() -> LeadModel:
    n = len(NAMES)
    weights = np.asarray([HAND_WEIGHTS.get(name, 0.0) for name in NAMES])
    return LeadModel(NAMES, np.zeros(n), np.ones(n), weights, None, {"fitted": False})


@dataclass(slots=True)
class Group:
    """One question's lead pool, its features, and which sentences hold the gold quote."""

    id: str
    fold: str  # the guideline the gold is in: no fold trains on a guideline it is tested on
    question: str
    quote: str
    numbers: tuple[str, ...]
    pool: list[Candidate]
    limits: list[Chosen]
    traits: QuestionTraits  # the question as read (qa/question.py), and its question sentence's vector
    asked: np.ndarray | None
    features: np.ndarray
    labels: np.ndarray

    @property
    def trainable(self) -> bool:
        return bool(self.labels.any() and not self.labels.all())


def collect(service: AnswerService, questions: Iterable[Question]) -> list[Group]:
    """Ask each question (one with a gold quote) and keep its lead pool, labelled."""
    groups = []
    for q in questions:
        quote = q.extra.get("gold_quote")
        if not quote:
            continue
        numbers = tuple(q.extra.get("key_numbers") or ())
        found = service.gather(q.question)
        limits, pool = lead_pool(found.pool, found.scope, service.settings.qa)
        read = found.question
        features = matrix(pool, context(pool, read.traits, read.asked))
        labels = np.asarray([holds([c.text], quote, numbers) for c in pool], dtype=bool)
        fold = sorted(q.relevant)[0] if q.relevant else q.id
        groups.append(Group(q.id, fold, q.question, quote, numbers, pool, limits, read.traits, read.asked, features, labels))
    return groups


def fit(groups: Sequence[Group], regularisation: float, about: dict | None = None) -> LeadModel:
    """Pairwise logistic regression over standardised features, each question weighing the same, then a
    one-feature logistic calibration of the score on every training sentence."""
    train = [g for g in groups if g.trainable]
    if not train:
        raise ValueError("no training question has both a sentence holding its gold quote and one not holding it")
    stacked = np.vstack([g.features for g in train])
    mean, scale = stacked.mean(axis=0), stacked.std(axis=0)
    scale[scale < 1e-9] = 1.0
    pairs, targets, weights = [], [], []
    for g in train:
        z = (g.features - mean) / scale
        diff = (z[g.labels][:, None, :] - z[~g.labels][None, :, :]).reshape(-1, z.shape[1])
        pairs += [diff, -diff]
        targets += [np.ones(len(diff)), np.zeros(len(diff))]
        weights += [np.full(2 * len(diff), 1.0 / (2 * len(diff)))]
    ranker = LogisticRegression(C=regularisation, fit_intercept=False, max_iter=5000)
    ranker.fit(np.vstack(pairs), np.concatenate(targets), sample_weight=np.concatenate(weights))
    w = ranker.coef_[0]
    scores = ((stacked - mean) / scale) @ w
    calibrator = LogisticRegression(C=1e4, max_iter=5000).fit(scores[:, None], np.concatenate([g.labels for g in train]))
    calibration = (float(calibrator.coef_[0, 0]), float(calibrator.intercept_[0]))
    return LeadModel(NAMES, mean, scale, w, calibration, about)


def lead_of(model: LeadModel, group: Group, settings: QASettings) -> list[str]:
    """The lead the answer would show with this model: the scope statement, if any, then the best answers."""
    ranked = rank_for_lead(group.pool, group.traits, group.asked, model)
    chosen = guideline_statements(ranked, settings)[: settings.lead]
    return [c.main.text for c in group.limits + chosen]


def lead_holds(model: LeadModel, group: Group, settings: QASettings) -> bool:
    return holds(lead_of(model, group, settings), group.quote, group.numbers)


def share(model: LeadModel, groups: Sequence[Group], settings: QASettings) -> float:
    """The share of these questions whose lead, ranked by `model`, holds the gold quote."""
    return _mean([lead_holds(model, g, settings) for g in groups])


def _mean(held: Sequence[bool] | Sequence[np.bool_]) -> float:
    return float(np.mean(held)) if held else float("nan")


def choose_regularisation(groups: Sequence[Group], settings: QASettings) -> float:
    """The C with the best leave-one-guideline-out lead share within `groups` (ties: the stronger penalty)."""
    folds = [f for f in sorted({g.fold for g in groups}) if any(g.trainable for g in groups if g.fold != f)]
    if len(folds) < 2:
        return 1.0

    def score(c: float) -> float:
        held = [lead_holds(fit([g for g in groups if g.fold != f], c), g, settings) for f in folds for g in groups if g.fold == f]
        return float(np.mean(held))

    return max(REGULARISATION, key=lambda c: (round(score(c), 6), -c))


def cross_validate(
    groups: Sequence[Group],
    settings: QASettings,
    extra: Mapping[str, Sequence[Group]] | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> dict:
    """Per held-out guideline: the lead share with the hand weights and with a model fitted on the other
    guidelines' questions (its C chosen inside them). `extra` sets (paraphrases) are scored per fold with the
    model that never saw their guideline."""
    extra = extra or {}
    hand = hand_model()
    rows: list[dict] = []
    pooled: defaultdict[str, list[bool]] = defaultdict(list)
    for fold in sorted({g.fold for g in groups}):
        train = [g for g in groups if g.fold != fold]
        test = [g for g in groups if g.fold == fold]
        if not any(g.trainable for g in train):
            progress(f"{fold}: skipped, no other guideline's question has its gold among the candidates")
            continue
        c = choose_regularisation(train, settings)
        model = fit(train, c)
        row = {"fold": fold, "questions": len(test), "C": c, "gold_in_pool": _mean([g.labels.any() for g in test])}
        for prefix, groups_of_fold in [
            ("", test),
            *((f"{name}_", [g for g in held if g.fold == fold]) for name, held in extra.items()),
        ]:
            for label, scorer in (("hand", hand), ("fitted", model)):
                held_here = [lead_holds(scorer, g, settings) for g in groups_of_fold]
                row[prefix + label] = _mean(held_here)
                pooled[prefix + label] += held_here
        progress(f"{fold}: hand {row['hand']:.3f} fitted {row['fitted']:.3f} (C={c}, {len(test)} questions)")
        rows.append(row)
    return {"folds": rows, "pooled": {k: float(np.mean(v)) for k, v in pooled.items()}}


def worth(model: LeadModel) -> list[tuple[str, float]]:
    """Each feature's fitted weight per standard deviation, largest first: what the fit says it is worth."""
    # to the precision the weights file keeps: the last bits of an lbfgs fit are not worth reporting
    return sorted(((n, round(w, 6)) for n, w in zip(model.names, model.weights.tolist())), key=lambda item: -abs(item[1]))


# The table features (qa/lead_features.py) are fitted on top of a base model (the hand weights or the fit): they are
# zero in every written question's pool, so the fit leaves them at zero, and a row competes with sentences the base
# already ranks. Their weights are chosen from GRID by lead share over the written questions and the questions made
# from the tables (evaluation/table_questions.py) together, so a weight that wins table questions but costs written
# ones loses.
TABLE_FEATURES = ("row_asked",)
GRID = (0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.4, 0.8)


def with_weights(base: LeadModel, weights: dict[str, float], about: dict | None = None) -> LeadModel:
    w = base.weights.copy()
    for name, value in weights.items():
        w[list(base.names).index(name)] = value
    return LeadModel(base.names, base.mean, base.scale, w, base.calibration, about or base.about)


def fit_table_weights(groups: Sequence[Group], settings: QASettings, base: LeadModel | None = None) -> dict[str, float]:
    """The GRID weights of the table features with the best lead share on `groups` (ties: the smaller weights)."""
    base = base or hand_model()

    def score(ws: tuple[float, ...]) -> tuple[float, float]:
        return round(share(with_weights(base, dict(zip(TABLE_FEATURES, ws))), groups, settings), 6), -sum(ws)

    best = max(product(GRID, repeat=len(TABLE_FEATURES)), key=score)
    return dict(zip(TABLE_FEATURES, best))


def cross_validate_tables(
    groups: Sequence[Group],
    tables: Sequence[Group],
    settings: QASettings,
    extra: Mapping[str, Sequence[Group]] | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> dict:
    """Per held-out guideline: the table weights chosen on the other guidelines' written and table questions,
    scored on this one's written questions, table questions and paraphrases, beside the hand weights alone."""
    extra = extra or {}
    hand = hand_model()
    rows: list[dict] = []
    pooled: defaultdict[str, list[bool]] = defaultdict(list)
    every = list(groups) + list(tables)
    for fold in sorted({g.fold for g in groups}):
        chosen = fit_table_weights([g for g in every if g.fold != fold], settings, hand)
        model = with_weights(hand, chosen)
        row: dict = {"fold": fold, "weights": chosen}
        sets = {"written": groups, "tables": tables, **extra}
        for name, held in sets.items():
            test = [g for g in held if g.fold == fold]
            for label, scorer in (("hand", hand), ("with_tables", model)):
                outcome = [lead_holds(scorer, g, settings) for g in test]
                row[f"{name}_{label}"] = _mean(outcome)
                pooled[f"{name}_{label}"] += outcome
        progress(
            f"{fold}: table weights {chosen}; written {row['written_hand']:.3f} → {row['written_with_tables']:.3f}, "
            f"table questions {row['tables_hand']:.3f} → {row['tables_with_tables']:.3f}"
        )
        rows.append(row)
    return {"folds": rows, "pooled": {k: float(np.mean(v)) for k, v in pooled.items() if v}}
