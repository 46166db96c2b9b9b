"""Topical sub-headings for research statements, derived from the evidence itself.

Statements are clustered by meaning; each cluster is named by what sets it apart: the MeSH terms
or specific section headings its documents share and the other clusters lack, else the noun
phrase its sentences (and its documents' titles) share most and the other clusters use least.
When the question's own subject runs through the evidence, headings read "<Subject> and <Label>",
as a reference page would put it. What counts as a noun phrase, and as a readable heading, is
`qa.phrases`.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage

from qa.heading_lexicon import MESH_GENERIC, SECTION_WORDS
from qa.phrases import OF, Phrase, acronym, is_readable_heading, pretty, scan, title, word
from qa.select import Chosen

_FALLBACKS = (
    "Further Findings",
    "Additional Findings",
    "Further Evidence",
    "Additional Evidence",
    "Further Research",
    "Additional Research",
)


def _labels(group: list[Chosen]) -> Counter[str]:
    """Candidate names from the group's documents: MeSH terms and specific section headings."""
    found: Counter[str] = Counter()
    for chosen in group:
        passage = chosen.main.hit.passage
        terms = {m for m in passage.mesh if m.lower() not in MESH_GENERIC}
        section = (passage.section or "").split(":")[-1].strip()
        if section and not set(re.findall(r"[a-z]+", section.lower())) <= SECTION_WORDS and len(section) <= 60:
            terms.add(section)
        found.update(t for t in terms if is_readable_heading(pretty(t)))
    return found


def _mesh_label(group: list[Chosen], labels: Counter[str], other_labels: Counter[str], taken: set[str]) -> str | None:
    """The MeSH term or section heading the group's documents share and the other groups' lack."""
    text = " ".join(c.main.text for c in group).lower()
    scored = []
    for label, count in labels.items():
        words = re.findall(r"[a-z][a-z-]{2,}", label.lower())
        in_text = sum(w in text for w in words) / max(1, len(words))
        scored.append((count - other_labels[label] + in_text, label))
    for _, label in sorted(scored, reverse=True):
        if title(label).lower() not in taken:
            return title(label)
    return None


class _Evidence:
    """The noun phrases of every statement (and of its document's title), found once per call."""

    def __init__(self, chosen: list[Chosen]):
        self.weights: list[dict[tuple[str, ...], float]] = []
        self.words: list[frozenset[str]] = []
        self.surfaces: dict[tuple[str, ...], Counter[tuple[str, ...]]] = defaultdict(Counter)
        self.specs: dict[tuple[str, ...], float] = {}
        self.total: dict[tuple[str, ...], float] = defaultdict(float)
        titles: dict[str, list[Phrase]] = {}
        for c in chosen:
            doc_title = c.main.hit.passage.title or ""  # not `title`: that names the imported function
            if doc_title not in titles:
                titles[doc_title] = scan(doc_title)[0]
            phrases, words = scan(c.main.text)
            weights: dict[tuple[str, ...], float] = {}
            for phrase, weight in [(p, 0.5) for p in titles[doc_title]] + [(p, 1.0) for p in phrases]:
                weights[phrase.key] = max(weights.get(phrase.key, 0.0), weight)
                self.surfaces[phrase.key][phrase.surface] += 1
                self.specs[phrase.key] = max(self.specs.get(phrase.key, 0.0), phrase.spec)
            for key, weight in weights.items():
                self.total[key] += weight
            self.weights.append(weights)
            self.words.append(words)
        self.doc = [c.main.hit.passage.doc_id for c in chosen]
        self.content = {key: frozenset(k for k in key if k != "of") for key in self.specs}

    def surface(self, key: tuple[str, ...]) -> str:
        return " ".join(max(self.surfaces[key].items(), key=lambda item: item[1])[0])


def _text_label(
    evidence: _Evidence, members: list[int], n_others: int, taken: list[frozenset[str]], topic: str | None
) -> str | None:
    """The noun phrase the group's statements share most, specific, and least used by the other groups."""
    support: dict[tuple[str, ...], float] = defaultdict(float)
    docs: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for i in members:
        for key, weight in evidence.weights[i].items():
            support[key] += weight
            docs[key].add(evidence.doc[i])
    topic_keys = _keys(topic) if topic else frozenset()
    initials = "".join(w[0] for w in topic.split() if w != "of").lower() if topic else ""
    best: tuple[float, tuple[str, ...]] | None = None
    for key, inside in support.items():
        content = evidence.content[key]
        if any(content <= t or t <= content for t in taken):
            continue  # another group's heading already says it
        outside = (evidence.total[key] - inside) / n_others if n_others else 0.0
        share = (inside + 0.3 * (len(docs[key]) - 1)) / len(members)
        score = evidence.specs[key] * (2 * share - outside)
        if content <= topic_keys:
            score *= 0.5  # the question's subject says nothing about this group in particular
        if len(key) == 1 and (acronym(evidence.surface(key)) or any(c.isdigit() for c in key[0])):
            if len(initials) > 1 and key[0].replace("-", "") == initials:
                continue  # "RA" under "Rheumatoid Arthritis"
            score *= 0.5  # an abbreviation or code alone says less than the words it stands for
        if any(key[-1] in t for t in taken):
            score *= 0.7  # the same head noun as another heading
        if score > 0.3 and (best is None or score > best[0]):
            best = (score, key)
    return title(evidence.surface(best[1])) if best else None


def _subject(question: str, words: list[frozenset[str]]) -> str | None:
    supported = []
    for phrase in scan(question)[0]:
        content = phrase.content
        if phrase.cut or phrase.left_cut:
            continue  # part of a longer term: "Non-Small Cell Lung" or "Homes" does not name it
        support = sum(content <= w for w in words)
        if support >= max(2, len(words) / 2):
            supported.append((support, len(content), phrase.spec, " ".join(phrase.surface)))
    if not supported:
        return None
    most = max(s[0] for s in supported)
    # The fullest phrase nearly as widespread as the most widespread: "Cardiac Arrest", not "Arrest".
    best = max((s for s in supported if s[0] >= 0.75 * most), key=lambda s: s[1:3])
    return title(best[3])


def subject(question: str, statements: list[str]) -> str | None:
    """The noun phrase of the question that runs through most of the evidence: its subject ("bone marrow")."""
    return _subject(question, [scan(s)[1] for s in statements])


def _keys(heading: str) -> frozenset[str]:
    return frozenset(word(t).key for t in heading.split() if word(t).role != OF and t.lower() != "and")


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
    evidence = _Evidence(chosen)
    index = {id(c): i for i, c in enumerate(chosen)}
    topic = _subject(question, evidence.words)
    topic_keys = _keys(topic) if topic else frozenset()
    named: list[tuple[str, list[Chosen]]] = []
    taken: set[str] = set()
    taken_keys: list[frozenset[str]] = []
    cluster_labels = [_labels(group) for group in clusters]
    for i, group in enumerate(clusters):
        other_labels = sum((cluster_labels[k] for k in range(len(clusters)) if k != i), Counter())
        members = [index[id(c)] for c in group]
        label = _mesh_label(group, cluster_labels[i], other_labels, taken) or _text_label(
            evidence, members, len(chosen) - len(members), taken_keys, topic
        )
        heading = None
        if label:
            combined = f"{topic} and {label}"
            if topic and not (_keys(label) & topic_keys) and " and " not in label.lower() and is_readable_heading(combined):
                heading = combined
            elif is_readable_heading(label):
                heading = label
        if heading is None or heading.lower() in taken:
            options = ([topic] if topic else []) + list(_FALLBACKS)
            heading = next((h for h in options if h.lower() not in taken), _FALLBACKS[0])
        taken.add(heading.lower())
        taken.add((label or heading).lower())
        taken_keys.append(_keys(label or heading))
        named.append((heading, sorted(group, key=lambda c: -c.main.score)))
    return named
