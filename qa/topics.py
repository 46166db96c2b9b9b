"""Topical sub-headings for research statements, derived from the evidence itself.

Statements are clustered by meaning; each cluster is named by what sets it apart: the MeSH terms
or section headings its documents share and the other clusters lack, else its most distinctive
words. When the question's own subject runs through the evidence, headings read
"<Subject> and <Label>", as a reference page would put it.
"""

from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage

from index.tokenize import STOP_WORDS
from qa.select import Chosen

_GENERIC_MESH = {
    "humans", "male", "female", "adult", "aged", "aged, 80 and over", "middle aged", "child", "child, preschool",
    "infant", "infant, newborn", "adolescent", "young adult", "animals", "mice", "rats", "retrospective studies",
    "prospective studies", "follow-up studies", "cross-sectional studies", "cohort studies", "case-control studies",
    "treatment outcome", "risk factors", "time factors", "questionnaires", "surveys and questionnaires",
    "reproducibility of results", "sensitivity and specificity", "predictive value of tests", "incidence",
    "prevalence", "severity of illness index", "logistic models", "multivariate analysis", "regression analysis",
    "odds ratio", "statistics as topic", "data collection", "analysis of variance", "age factors", "sex factors",
    "prognosis", "united states", "risk assessment", "survival analysis", "survival rate", "reference values",
    "linear models", "proportional hazards models", "chi-square distribution", "double-blind method",
    "single-blind method", "random allocation", "case reports", "retrospective", "comorbidity", "age distribution",
    "sex distribution", "pilot projects", "evaluation studies as topic", "program evaluation", "cost-benefit analysis",
}
_GENERIC_SECTIONS = re.compile(
    r"^(abstract|background|introduction|methods?|results?|conclusions?|discussion|objectives?|purpose|summary|"
    r"findings|design|setting|participants|patients|interventions?|measurements|main outcome measures?|aims?|"
    r"materials and methods|limitations|study design|methodology|key points|overview|supporting rationale|"
    r"implementation considerations|author summary|case reports?|context|importance)$",
    re.I,
)
_GENERIC_WORDS = STOP_WORDS | {
    "health", "benefit", "benefits", "effect", "effects", "study", "studies", "patients", "patient", "results",
    "associated", "significant", "significantly", "use", "used", "using", "may", "also", "however", "among",
    "compared", "group", "groups", "years", "year", "data", "found", "showed", "rate", "rates", "risk",
    "recommended", "approach", "treatment", "clinical", "increase", "increased", "including", "well", "one",
}
_WORD = re.compile(r"[A-Za-z][A-Za-z-]{2,}")


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text) if w.lower() not in _GENERIC_WORDS]


def pretty(label: str) -> str:
    """'Anemia, Aplastic' → 'Aplastic Anemia'; words title-cased, acronyms and inner capitals kept."""
    if label.count(",") == 1:
        head, qualifier = (p.strip() for p in label.split(","))
        label = f"{qualifier} {head}"
    return " ".join(w if any(c.isupper() for c in w[1:]) else w[:1].upper() + w[1:] for w in label.split())


def _labels(group: list[Chosen]) -> Counter[str]:
    """Candidate names from the group's documents: MeSH terms and specific section headings."""
    found: Counter[str] = Counter()
    for chosen in group:
        passage = chosen.main.hit.passage
        terms = {m for m in passage.mesh if m.lower() not in _GENERIC_MESH}
        section = (passage.section or "").split(":")[-1].strip()
        if section and not _GENERIC_SECTIONS.match(section) and not section.endswith("?") and len(section) <= 60:
            terms.add(section)
        found.update(terms)
    return found


def _name(group: list[Chosen], others: list[list[Chosen]], taken: set[str]) -> str:
    text = " ".join(c.main.text for c in group).lower()
    other_labels = Counter()
    for other in others:
        other_labels.update(_labels(other))
    scored = []
    for label, count in _labels(group).items():
        in_text = sum(w in text for w in _words(label)) / max(1, len(_words(label)))
        scored.append((count - other_labels[label] + in_text, label))
    for _, label in sorted(scored, reverse=True):
        if pretty(label).lower() not in taken:
            return pretty(label)
    # No shared label: the words this group uses most and the others least (tf · idf over groups).
    counts = Counter(_words(text))
    elsewhere = [set(_words(" ".join(c.main.text for c in other))) for other in others]
    weights = {w: n * math.log((1 + len(others)) / (1 + sum(w in e for e in elsewhere))) for w, n in counts.items()}
    ranked = [w for w, _ in sorted(weights.items(), key=lambda item: (-item[1], item[0]))]
    for size in (2, 1):
        name = pretty(" ".join(ranked[:size])) if len(ranked) >= size else ""
        if name and name.lower() not in taken:
            return name
    return "Further Findings"


def subject(question: str, statements: list[str]) -> str | None:
    """The question's words that run through most of the evidence: its subject ("bone marrow")."""
    texts = [s.lower() for s in statements]
    words = [w for w in _words(question) if sum(w in t for t in texts) >= max(2, len(texts) / 2)]
    return pretty(" ".join(words)) if words and len(words) <= 3 else None


def group_statements(chosen: list[Chosen], max_groups: int, question: str) -> list[tuple[str, list[Chosen]]]:
    """(heading, statements) groups, the group with the best statement first."""
    if not chosen:
        return []
    n_groups = 1 if len(chosen) <= 2 else min(max_groups, max(2, round(len(chosen) / 3)))
    if n_groups == 1:
        clusters = [chosen]
    else:
        vectors = np.stack([c.main.vector for c in chosen]).astype(np.float64)
        labels = fcluster(linkage(vectors, method="average", metric="cosine"), t=n_groups, criterion="maxclust")
        clusters = [[c for c, label in zip(chosen, labels) if label == k] for k in sorted(set(labels))]
    clusters.sort(key=lambda g: -max(c.main.score for c in g))
    topic = subject(question, [c.main.text for c in chosen])
    named: list[tuple[str, list[Chosen]]] = []
    taken: set[str] = set()
    for i, group in enumerate(clusters):
        label = _name(group, clusters[:i] + clusters[i + 1 :], taken)
        taken.add(label.lower())
        heading = label if not topic or topic.lower() in label.lower() else f"{topic} and {label}"
        named.append((heading, sorted(group, key=lambda c: -c.main.score)))
    return named
