"""Question → answer: read a follow-up after its question, retrieve, pick statements, compose, remember the turn."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from core.settings import Settings
from index.models import Filters, Hit, QueryError
from index.search import Searcher
from ingest.models import KINDS
from qa.admission import admitted
from qa.admission import load as load_admission
from qa.compose import compose
from qa.conversations import ConversationStore
from qa.followup import resolve
from qa.models import Answer, Audience
from qa.question import Question
from qa.relevance import Topicality, on_topic_documents, topicality, weak
from qa.scope import exclusions, may_exclude, scope_query
from qa.statements import Candidate, among_own_kind, candidates, on_topic, prefer_new, supporting

_WORD = re.compile(r"\w")
SCOPE_FROM = 3  # a scope statement comes from a guideline among the best three statements' sources
SCOPE_PASSAGES = 50  # keyword search only: a scope sentence in a long guideline's chunk ranks low
# What an answer says while a progressive first build (index/stages.py) has not yet published all vectors.
INDEX_NOTES = {
    "pending": "The index is still being prepared: this answer comes from keyword search only, "
    "without matching by meaning, which follows when the build completes.",
    "chunks": "The index is still being prepared: statements were matched to the question by their words "
    "only; matching sentences by meaning follows when the build completes.",
}


@dataclass(frozen=True, slots=True)
class Gathered:
    question: Question
    hits: list[Hit]
    pool: list[Candidate]
    scope: list[Candidate]
    retrieved: float  # perf_counter when retrieval ended


class AnswerService:
    """Long-lived: holds the searcher and the conversation store, both opened once."""

    def __init__(self, searcher: Searcher, conversations: ConversationStore | None, settings: Settings) -> None:
        self.searcher = searcher
        self.conversations = conversations
        self.settings = settings
        # documents unlikely to be evidence are not cited (qa/admission.py); None: every one is
        self.admission = load_admission() if settings.qa.admission else None

    def read(self, understood: str) -> Question:
        return Question.read(understood, self.searcher)

    def _retrieve(self, question: Question, filters: Filters) -> list[Hit]:
        """Candidates per kind of source, so a section is never starved by a kind that dominates the index."""
        hits: list[Hit] = []
        text, vector = question.text, question.vector
        for kind in filters.kinds or KINDS:
            one = replace(filters, kinds=(kind,))
            found = self.searcher.search(text, k=self.settings.qa.candidates, filters=one, vector=vector)
            # The best few documents whole (when short): an abstract's result is often in another section.
            hits += found + self.searcher.siblings(found[: self.settings.qa.whole_documents], text, vector, one)
        if "guideline" in (filters.kinds or KINDS):
            seen = {h.passage.row for h in hits}
            graded = self.searcher.graded(text, vector, 3, replace(filters, kinds=("guideline",)))
            hits += [h for h in graded if h.passage.row not in seen]
        return hits

    def ask(
        self,
        question: str,
        conversation_id: str | None = None,
        filters: Filters = Filters(),
        audience: Audience = "clinician",
        timings: dict[str, float] | None = None,
        reuse: Callable[[str], Answer | None] | None = None,
        keep: Callable[[Answer], Answer] | None = None,
    ) -> Answer:
        """`timings`, when given, receives each stage's wall time in milliseconds; `reuse` may return an
        answer already approved (and stored) for the understood question, which is then given instead of a
        new one; `keep` stores a new answer and returns the stored copy. The turn is recorded last, naming
        the answer given as it is: compose → keep → record, nothing patched afterwards."""
        started = time.perf_counter()
        question = self.searcher.check(question, 1)
        if not _WORD.search(question):
            raise QueryError("the question has no words to search for")
        if conversation_id and self.conversations and not self.conversations.exists(conversation_id):
            from qa.conversations import UnknownConversation

            raise UnknownConversation(f"no conversation {conversation_id}: start a new one without an id")
        history = self.conversations.history(conversation_id) if conversation_id and self.conversations else []
        try:
            read = resolve(question, history)
        except ValueError as exc:
            raise QueryError(str(exc)) from exc
        understood = read.text
        reused = reuse(understood) if reuse else None
        if reused is not None:
            given = reused.model_copy(
                update={
                    "question": question,
                    "follow_up_to": read.follow_up_to,
                    "conversation_id": self._joined(conversation_id),
                }
            )
            return self._remember(given, question, understood)
        found = self.gather(understood, filters, audience, conversation_id)
        answer = compose(
            question,
            found.question,
            found.hits,
            found.pool,
            self.settings.qa,
            self.searcher.manifest.version,
            audience,
            conversation_id,
            found.scope,
        )
        if timings is not None:
            timings["retrieve"] = (found.retrieved - started) * 1000
            timings["compose"] = (time.perf_counter() - found.retrieved) * 1000
        answer = answer.model_copy(
            update={
                "follow_up_to": read.follow_up_to,
                "conversation_id": self._joined(conversation_id),
                "index_note": INDEX_NOTES.get(self.searcher.manifest.vectors),  # None once the index is complete
            }
        )
        return self._remember(keep(answer) if keep else answer, question, understood)

    def gather(
        self,
        understood: str,
        filters: Filters = Filters(),
        audience: Audience = "clinician",
        conversation_id: str | None = None,
    ) -> Gathered:
        """Everything an answer is composed from: the question as read, retrieved passages, the statements worth
        stating and the scope statements."""
        question = self.read(understood)
        hits = self._retrieve(question, filters)
        retrieved = time.perf_counter()
        pool = self.statements(question, hits, audience)
        if conversation_id and self.conversations:
            pool = prefer_new(pool, self.conversations.shown(conversation_id))
        scope = self._scope(question, filters, pool) if pool else []
        return Gathered(question, hits, pool, scope, retrieved)

    def _scope(self, question: Question, filters: Filters, pool: list[Candidate]) -> list[Candidate]:
        """Statements of the guidelines answering (those of the best few statements) that exclude who or
        what the question narrows to (qa/scope.py)."""
        best = [c for c in pool if c.kind == "guideline"][:SCOPE_FROM]
        answering = {c.hit.passage.doc_id for c in best}
        if not answering or not question.narrows:
            return []
        titles = " ".join(sorted({c.hit.passage.title for c in best if c.hit.passage.title}))
        hits = self.searcher.search(
            scope_query(question.text, titles, self.settings.max_query_chars),
            k=SCOPE_PASSAGES,
            mode="bm25",
            filters=replace(filters, kinds=("guideline",)),
            vector=question.vector,
        )
        # Only passages of those guidelines that state an exclusion at all have their sentences scored.
        hits = [h for h in hits if h.passage.doc_id in answering and may_exclude(h.passage.text)]
        scored = candidates(hits, question.vector, self.searcher.sentence_vectors_of, question.guideline_terms, {})
        return exclusions(question.narrows, scored, answering)

    def topics(self, question: Question, hits: list[Hit]) -> dict[str, Topicality]:
        """Document id → how on-topic its best retrieved passage is (qa/relevance.py)."""
        present = self.searcher.terms_present
        terms = question.terms
        return topicality(hits, terms.in_passages(hits, present), terms.holding_most_telling(hits, present))

    def statements(self, question: Question, hits: list[Hit], audience: Audience = "clinician") -> list[Candidate]:
        """The sentences worth stating: from on-topic documents, close to the best answer found, none when
        the evidence as a whole is weak; for a clinician, only from documents likely to be evidence."""
        qa = self.settings.qa
        terms = question.terms
        topics = self.topics(question, hits)
        if weak(topics, qa.weak_words, qa.weak_meaning):
            return []
        # Sentences of documents far off the question are never read: most hits, and most of the time.
        about = on_topic_documents(topics, qa.min_topicality, qa.weak_words)
        near = [h for h in hits if h.passage.doc_id in about]
        pool = candidates(
            near, question.vector, self.searcher.sentence_vectors_of, terms, topics, qa.similarity_weight, audience == "patient"
        )
        pool = on_topic(pool, qa.relative_relevance)
        # a similarity is a sentence's cosine only once sentence vectors exist (else its share of the words)
        if self.searcher.complete:
            pool = supporting(pool, qa.support_similarity, audience == "patient", terms.most_telling)
        pool = among_own_kind(pool, "guideline", question.guideline_terms, qa.similarity_weight, not self.searcher.complete)
        # fitted on clinicians' questions over a complete index: a patient's answer leads with its reference pages
        if audience == "clinician" and self.searcher.complete:
            pool = admitted(pool, topics, self.admission)
        return pool

    def _joined(self, conversation_id: str | None) -> str | None:
        """The conversation an answer belongs to: a new one when the question starts one (None without a store)."""
        if conversation_id or self.conversations is None:
            return conversation_id
        return self.conversations.new()

    def _remember(self, answer: Answer, question: str, understood: str) -> Answer:
        """Record the turn, naming the answer as given (its stored id, when it was stored)."""
        if self.conversations is not None:
            assert answer.conversation_id is not None, "with a store, _joined gives every answer a conversation"
            self.conversations.add_turn(answer.conversation_id, question, understood, answer)
        return answer
