"""Match a member's free-text question to one knowledge entry, or abstain honestly.

A weighted lexical index over each entry's title, aliases, body, quotes and cited experts. Entries
and questions go through the same analyzer, driven by the Vocabulary (knowledge/vocabulary.yaml):
fold, opener cues, phrases, synonym map, stop words, light stem; question words the index has
never seen are typo-corrected first, and off-topic cues weigh as foreign content. An entry scores
by weighted Dice with its title or an alias plus field-weighted coverage of the question's IDF
weight, with small tie-breaks; the DecisionModel then answers or abstains on nine features of the
best entry. When it answers, a runner-up within CLOSE_CALL_MARGIN is reported as a close call
(Match.close), for a "Did you mean ...?" button; it never changes what is answered. Why each piece
exists and what it measured, round by round: docs/faq-matcher.md.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import NamedTuple

import numpy as np
from rapidfuzz import fuzz, process

from bot.features.faq import text
from bot.features.faq.analyzer import CUE, FOREIGN, Analyzer
from bot.features.faq.decision import DecisionModel, Features
from bot.features.faq.knowledge import Entry, KnowledgeBase
from bot.features.faq.ranker import RankerModel
from bot.features.faq.semantic import Embedder, SemanticIndex
from bot.features.faq.vocabulary import Vocabulary

# Tuned on the eval sets; see docs/faq-matcher.md.
ALIAS_WEIGHT = 0.5
TITLE_FIELD = 1.0
BODY_FIELD = 0.6
UNKNOWN_WEIGHT = 0.6  # times the highest IDF: a word the index has never seen
CUE_WEIGHT = 1.5  # times the highest IDF: an off-topic cue (shoes, pacing, injuries...)
INCIDENTAL_CAP = 1.0  # a term found only in entry bodies is incidental, not topical
TITLE_BONUS = 0.1  # the title is the canonical question: matching it counts a little extra
TITLE_RECALL = 0.05  # share of the title's own weight the question covers
TF_WEIGHT = 0.05  # how densely the entry uses the question's terms, to order near-ties
SIGNATURE_WEIGHT = 0.3  # share of the entry's label signature the question holds (round 5)
TIE_BREAK = 0.05  # weight of raw string similarity to the best label, to order near-ties
GENERIC_WEIGHT = 0.5  # an everyday word ("tips", "week"): context, whatever its IDF
KNOWN_NUMBER_CAP = 1.0
UNKNOWN_CAP = 2.0  # at most this many unknown words' worth of weight per question
NUMBER_WEIGHT = 0.5  # an unknown number ("3", "30k")
SUGGESTIONS = 3
# An answered question whose runner-up scores within this much of the best (on Match.score's
# scale: raw / _MAX_RAW, the decision's `margin` feature) is a close call: the answer comes with a
# "Did you mean ...?" for the runner-up. Measured on the committed sets (docs/faq-matcher.md,
# "Close calls"): at 0.06 the runner-up is offered for 5 of the 9 wrong answers whose runner-up
# is right, on 5.3 % of right answers; the next wrong answer caught (gap 0.088) costs ~10 %.
CLOSE_CALL_MARGIN = 0.06
# A second part is looked for in posts of 2 to MAX_PARTS pieces and at most MAX_PARTS_WORDS words,
# among runners-up whose share of the ranking is at least ALSO_SHARE. Each piece's vector comes
# from the post's own run of the model, but its lexical ranking costs ~1.5 ms: a longer post
# (whose embedding alone takes ~10 ms) would break the 15 ms p99 budget (docs/faq-matcher.md).
MAX_PARTS = 4
MAX_PARTS_WORDS = 40
ALSO_SHARE = 0.02
AUTOCOMPLETE_CACHE = 2048  # distinct (text, limit) answers kept per knowledge snapshot
# Verdicts kept per knowledge snapshot (a Matcher), most recently asked first out last: members
# ask the same questions, and the autocomplete hands them the same titles, word for word.
MATCH_CACHE = 1024
NAME_LIMIT = 100
_MAX_RAW = (
    1 + SIGNATURE_WEIGHT + TITLE_BONUS + TITLE_RECALL + TF_WEIGHT + TIE_BREAK
)  # reported scores are scaled into [0, 1]


@dataclass(frozen=True)
class Match:
    """The matcher's verdict: the entry (None = abstain), its score, and nearby entries.

    `close` is the runner-up when the answer was a close call (within CLOSE_CALL_MARGIN of the
    answered entry's score), else None; always None on an abstention or an exact title/alias.
    `also` is a second entry when the post asks two things and each part is answered on its
    own by a different entry (the reply gives both; never more than two).
    """

    entry: Entry | None
    score: float
    suggestions: tuple[Entry, ...]
    close: Entry | None = None
    also: Entry | None = None

    @property
    def answered(self) -> bool:
        return self.entry is not None


@dataclass(frozen=True, slots=True, eq=False)
class Embedded:
    """The question's sentence vector, from the match's own run of the model, and its best
    cosine to any entry's title or alias: what club entries (club.py) are matched with, so a
    question is embedded once."""

    vector: np.ndarray
    label_cosine: float


@dataclass(frozen=True)
class AutocompleteChoice:
    """One Discord autocomplete option: a title or alias shown, the entry id as the value."""

    name: str
    value: str


@dataclass(frozen=True, slots=True)
class LexicalEvidence:
    """The lexical matcher's view of one question, per entry (arrays in entry order)."""

    score: np.ndarray
    dice: np.ndarray
    coverage: np.ndarray
    top: int  # the lexical best entry, -1 when nothing matched
    probability: float  # the lexical decision model's probability for that entry
    foreign: float
    cue: float
    mass: float


class _Scored(NamedTuple):
    score: float
    coverage: float  # share of the question's weight the entry covers (field-weighted)
    dice: float  # best weighted Dice against the title or one alias
    titled: float  # share of the question's weight found in the title
    index: int  # position in Matcher._entries


@dataclass(frozen=True)
class _IndexedEntry:
    entry: Entry
    label_terms: tuple[frozenset[str], ...]  # title and each alias, as term sets (title first)
    labels: tuple[str, ...]  # title and each alias, folded (for the tie-break)
    field_weight: dict[str, float]  # term -> field weight (title/alias beats body)
    density: dict[str, float]  # term -> saturated frequency over all fields
    label_mass: tuple[float, ...] = ()  # summed IDF of each label's terms (title first)
    signature: dict[str, float] = field(default_factory=dict)  # term -> IDF x share of labels
    signature_mass: float = 1.0


def _entry_fields(entry: Entry, kb: KnowledgeBase) -> tuple[list[str], list[str]]:
    """(title and aliases, supporting texts) for an entry."""
    labels = [entry.title, *entry.aliases]
    topic = kb.topic(entry.topic)
    support = [entry.body, *(s.quote for s in entry.sources)]
    support += [s.who for s in entry.sources if s.who]
    if topic:
        support.append(topic.name)
    return labels, support


class Matcher:
    """An immutable index over one KnowledgeBase snapshot; build a new one on reload."""

    def __init__(
        self,
        kb: KnowledgeBase,
        vocabulary: Vocabulary,
        decision: DecisionModel,
        semantic: tuple[Embedder, RankerModel] | None = None,
    ) -> None:
        """`semantic`: the embedding model and learned ranker; without it, lexical only."""
        self._kb = kb
        self._decision = decision
        self._injection = vocabulary.injection
        # "who is <an expert the entries quote>" asks about that expert, not trivia.
        people = frozenset(w for name in kb.people() for w in text.words(name))
        self._analyzer = analyzer = Analyzer(vocabulary, people)
        self.stop_words = vocabulary.stop_words
        fields = {e.id: _entry_fields(e, kb) for e in kb}
        for labels, support in fields.values():
            for chunk in (*labels, *support):
                words = text.words(chunk)
                analyzer.learn(words)
                analyzer.learn(analyzer.with_phrases(words))
        analyzer.learn_synonyms()

        self._entries: list[_IndexedEntry] = []
        entries_with_term: dict[str, int] = defaultdict(int)  # document frequency, for IDF
        topical: set[str] = set()
        for entry in kb:
            labels, support = fields[entry.id]
            label_terms = tuple(frozenset(analyzer.terms(q, correct=False)) for q in labels)
            field_weight: dict[str, float] = {}
            term_count: dict[str, int] = defaultdict(int)
            for chunk in (*labels, *support):
                for term in analyzer.terms(chunk, correct=False):
                    field_weight.setdefault(term, BODY_FIELD)
                    term_count[term] += 1
            for terms in label_terms:
                for term in terms:
                    field_weight[term] = TITLE_FIELD
                    topical.add(term)
            field_weight = {t: w for t, w in field_weight.items() if t[0] != FOREIGN}
            for term in field_weight:
                entries_with_term[term] += 1
            density = {t: term_count[t] / (term_count[t] + 1.5) for t in field_weight}
            folded = tuple(text.fold(q) for q in labels)
            self._entries.append(_IndexedEntry(entry, label_terms, folded, field_weight, density))

        n = max(len(self._entries), 1)
        self._idf = {t: math.log(1 + n / d) for t, d in entries_with_term.items()}
        # A rare word met only in an answer body ("try", "alone") says little about topic.
        self._term_weight = {
            t: w if t in topical else min(w, INCIDENTAL_CAP) for t, w in self._idf.items()
        }
        # An expert's name says whose view, not which topic: like an everyday word it is context,
        # so "what did Davidson say about trained runners" goes where trained runners are.
        for word in (*vocabulary.generic, *people):
            for term in analyzer.canonical(word):
                self._term_weight[term] = min(
                    self._term_weight.get(term, GENERIC_WEIGHT), GENERIC_WEIGHT
                )
        top = max(self._idf.values(), default=1.0)
        self._top_idf = top
        self._unknown_weight, self._cue_weight = UNKNOWN_WEIGHT * top, CUE_WEIGHT * top
        self._entries = [
            replace(
                indexed,
                label_mass=tuple(
                    sum(self._idf.get(t, 0.0) for t in terms) for terms in indexed.label_terms
                ),
                signature=(signature := self._signature(indexed)),
                signature_mass=max(sum(signature.values()), 1e-9),
            )
            for indexed in self._entries
        ]
        self._postings: dict[str, list[int]] = defaultdict(list)
        # term -> (entry, label) pairs whose title/alias uses it: the Dice overlap of a question
        # with every label is then one pass over its terms' postings, not entries x labels.
        self._label_postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for i, indexed in enumerate(self._entries):
            for term in indexed.field_weight:
                self._postings[term].append(i)
            for k, terms in enumerate(indexed.label_terms):
                for term in terms:
                    self._label_postings[term].append((i, k))

        self._autocomplete_cache: dict[tuple[str, int], list[AutocompleteChoice]] = {}
        self._match_cache: dict[str, tuple[Match, Embedded | None]] = {}  # oldest use first
        self._autocomplete_labels = [label for ie in self._entries for label in ie.labels]
        self._autocomplete_owner = [
            (i, k) for i, ie in enumerate(self._entries) for k in range(len(ie.labels))
        ]

        self._exact: dict[str, Entry] = {}
        for entry in kb:
            for label in (entry.title, *entry.aliases):
                self._exact.setdefault(text.fold(label), entry)
        self._default_order = [e for _, group in kb.by_topic() for e in group]
        self._semantic = (
            SemanticIndex([ie.entry for ie in self._entries], *semantic) if semantic else None
        )

    @property
    def semantic(self) -> bool:
        """True when the learned ranker decides (the embedding model is loaded)."""
        return self._semantic is not None

    def _signature(self, indexed: _IndexedEntry) -> dict[str, float]:
        """Term -> IDF x share of the entry's labels using it (the title counts twice).

        What an entry is about is what its labels keep saying: every label of the sprint-vs-easy
        entry names sprinting, so a question without it is not that entry's, however well its
        other words overlap. Overlapping neighbours differ exactly in these hallmark terms.
        """
        counts: dict[str, float] = defaultdict(float)
        for k, terms in enumerate(indexed.label_terms):
            for t in terms:
                counts[t] += 2.0 if k == 0 else 1.0
        n = len(indexed.label_terms) + 1
        return {t: self._idf.get(t, 0.0) * c / n for t, c in counts.items()}

    # -- matching -------------------------------------------------------------------------

    def _weigh_terms(self, terms: list[str]) -> dict[str, float]:
        weights: dict[str, float] = {}
        unknown = [t for t in dict.fromkeys(terms) if t[0] == FOREIGN and t[:2] != CUE]
        # Personal context in a long question ("since january", "my mate says") is unknown to
        # the index; its total weight is capped so it cannot drown the topic words.
        unknown_weight = self._unknown_weight * min(1.0, UNKNOWN_CAP / max(len(unknown), 1))
        for term in terms:
            if term.startswith(CUE):
                weights[term] = self._cue_weight
            elif term[0] == FOREIGN and any(ch.isdigit() for ch in term):
                weights[term] = NUMBER_WEIGHT  # "3 weeks", "30k a week": context, not topic
            elif term.isdigit():
                # A number the index knows ("10 weeks", "2017") is a cue, not the topic
                weights[term] = min(self._term_weight.get(term, unknown_weight), KNOWN_NUMBER_CAP)
            else:
                weights[term] = self._term_weight.get(term, unknown_weight)
        return weights

    def _weigh_question(self, question: str) -> dict[str, float]:
        """The question's terms (typos corrected) with their weights: the query."""
        return self._weigh_terms(self._analyzer.terms(question, correct=True))

    def _rank(self, query: dict[str, float], folded: str) -> list[_Scored]:
        """Every entry sharing a term with the question, best first."""
        total = sum(query.values())
        if not total:
            return []
        candidates: set[int] = set()
        for term in query:
            candidates.update(self._postings.get(term, ()))
        shared_by_label: dict[tuple[int, int], float] = defaultdict(float)
        for term, weight in query.items():
            for key in self._label_postings.get(term, ()):
                shared_by_label[key] += weight
        best_dice_of: dict[int, float] = defaultdict(float)
        for (i, k), shared in shared_by_label.items():
            dice = 2 * shared / (total + self._entries[i].label_mass[k])
            if dice > best_dice_of[i]:
                best_dice_of[i] = dice
        ranked: list[_Scored] = []
        for i in candidates:
            indexed = self._entries[i]
            coverage = sum(w * indexed.field_weight.get(t, 0.0) for t, w in query.items()) / total
            best_dice = best_dice_of.get(i, 0.0)
            density = sum(w * indexed.density.get(t, 0.0) for t, w in query.items()) / total
            titled = sum(w for t, w in query.items() if t in indexed.label_terms[0]) / total
            # How fully the question asks the canonical one: a bare "running for muscle" is the
            # general entry's question, not a narrower title that merely contains both words.
            recall = sum(self._idf.get(t, 0.0) for t in indexed.label_terms[0] if t in query) / max(
                indexed.label_mass[0], 1e-9
            )
            signature_share = (
                sum(indexed.signature.get(t, 0.0) for t in query) / indexed.signature_mass
            )
            score = (
                SIGNATURE_WEIGHT * signature_share
                + ALIAS_WEIGHT * best_dice
                + (1 - ALIAS_WEIGHT) * coverage
                + TF_WEIGHT * density
                + TITLE_BONUS * titled
                + TITLE_RECALL * recall
            )
            ranked.append(_Scored(score, coverage, best_dice, titled, i))
        ranked.sort(key=lambda r: (-r.score, self._entries[r.index].entry.id))
        # Lexical sets tie often ("can running build muscle" vs "which runs build the most
        # muscle"); raw similarity, stop words and word order included, orders the leaders.
        head = [
            r._replace(score=r.score + TIE_BREAK * self._label_similarity(folded, r.index))
            for r in ranked[:5]
        ]
        head.sort(key=lambda r: (-r.score, self._entries[r.index].entry.id))
        return head + ranked[5:]

    def _label_similarity(self, folded: str, i: int) -> float:
        best = process.extractOne(folded, self._entries[i].labels, scorer=fuzz.token_sort_ratio)
        return best[1] / 100 if best else 0.0

    def match(self, question: str) -> Match:
        return self.match_embedded(question)[0]

    def forget(self) -> None:
        """Drop the remembered verdicts and autocomplete lists, so the next question is ranked
        afresh: what bench/faq.py times, since the bot's own cost is a question it hasn't seen."""
        self._match_cache.clear()
        self._autocomplete_cache.clear()

    def match_embedded(self, question: str) -> tuple[Match, Embedded | None]:
        """The verdict and, when the model ran on the question (not for an exact title or alias,
        an injection attempt, a question without words, or a lexical-only matcher), its vector.

        A question asked word for word before (among the last MATCH_CACHE) is not ranked again:
        the matcher never changes (a reload builds a new one), so neither would its verdict."""
        found = self._match_cache.pop(question, None)
        if found is None:
            found = self._match_embedded(question)
            if found[1] is not None:
                found[1].vector.flags.writeable = False  # shared by every later asker
            if len(self._match_cache) >= MATCH_CACHE:
                self._match_cache.pop(next(iter(self._match_cache)))  # least recently asked
        self._match_cache[question] = found  # (re)inserted last: the most recently asked
        return found

    def _match_embedded(self, question: str) -> tuple[Match, Embedded | None]:
        exact = self._resolve_exact(question)
        if exact is not None:
            return Match(exact, 1.0, self._related(exact)), None
        if self._injection.search(question.lower()) or self._injection.search(text.fold(question)):
            return Match(None, 0.0, ()), None
        if self._semantic is not None and text.fold(question):
            return self._learned(question)
        return self._lexical(question), None

    def _lexical(self, question: str) -> Match:
        query = self._weigh_question(question)
        ranked = self._rank(query, text.fold(question))
        if not ranked:
            return Match(None, 0.0, ())
        top = ranked[0]
        score = round(min(1.0, top.score / _MAX_RAW), 4)
        features = self.features(query, ranked)
        if not self._decision.answers(features):
            nearest = tuple(self._entries[r.index].entry for r in ranked[:SUGGESTIONS])
            return Match(None, score, nearest)
        others = tuple(self._entries[r.index].entry for r in ranked[1 : SUGGESTIONS + 1])
        # The runner-up is others[0]; features.margin is the best entry's lead over it.
        close = others[0] if others and features.margin <= CLOSE_CALL_MARGIN else None
        return Match(self._entries[top.index].entry, score, others, close)

    def _learned(self, question: str) -> tuple[Match, Embedded]:
        """The learned ranker's verdict (see ranker.py); score is its answer probability. The
        model runs on the embedder's own thread (onnxruntime releases the GIL) while this one
        ranks lexically: a long post costs the longer of the two, not their sum."""
        assert self._semantic is not None
        model = self._semantic.model
        spans = text.part_spans(question)
        if not 2 <= len(spans) <= MAX_PARTS or len(text.words(question)) > MAX_PARTS_WORDS:
            spans = []
        embedding = self._semantic.start_embedding(question, spans)
        lexical = self.question_evidence(question)
        # The pieces' lexical evidence too while the model still runs (a second part may need
        # it); whatever is left when the model is done is ranked only if it is needed.
        early: list[LexicalEvidence] = []
        for a, b in spans:
            if embedding.done():
                break
            early.append(self.question_evidence(question[a:b]))
        vector, pieces = embedding.result()
        cosines = self._semantic.cosines(vector)
        pairs = self._semantic.pair_features(cosines, lexical)
        embedded = Embedded(vector, self._semantic.label_cosine(pairs))
        order, scores, features = self._semantic.rank_pairs(pairs, cosines, lexical)
        probability = round(model.probability(features), 4)
        best = [self._entries[int(i)].entry for i in order[: SUGGESTIONS + 1]]
        if probability < model.threshold:
            return Match(None, probability, tuple(best[:SUGGESTIONS])), embedded
        gap = float(scores[order[0]] - scores[order[1]]) if len(best) > 1 else math.inf
        also = None
        if spans:
            shares = np.exp(scores - scores[order[0]])
            shares /= shares.sum()
            # Only a runner-up the whole post already gives weight to can be its second part.
            plausible = [
                e for e, i in zip(best[1:], order[1:], strict=False) if shares[i] >= ALSO_SHARE
            ]
            parts = [
                (question[a:b], v, early[k] if k < len(early) else None)
                for k, ((a, b), v) in enumerate(zip(spans, pieces, strict=True))
            ]
            also = self._second_part(parts, best[0], plausible) if plausible else None
        close = best[1] if gap <= model.close_gap and best[1] != also else None
        return Match(best[0], probability, tuple(best[1:]), close, also), embedded

    def _second_part(
        self,
        parts: list[tuple[str, np.ndarray, LexicalEvidence | None]],
        answered: Entry,
        runners_up: list[Entry],
    ) -> Entry | None:
        """For a post of several parts (text, vector, lexical evidence if already ranked):
        another entry when one part is answered on its own by `answered` and another,
        confidently, by one of `runners_up` (entries the whole post also ranks near the top:
        both clearly relevant); else None."""
        assert self._semantic is not None
        model = self._semantic.model
        tops: dict[Entry, float] = {}
        # Every piece's cosines in one product: one pass over the bank, not one per piece.
        cosines = self._semantic.cosines(np.stack([vector for _, vector, _ in parts]))
        for (piece, _, ranked), piece_cosines in zip(parts, cosines, strict=True):
            lexical = ranked if ranked is not None else self.question_evidence(piece)
            order, _, features = self._semantic.rank(piece_cosines, lexical)
            probability = model.probability(features)
            if probability >= model.threshold:
                entry = self._entries[int(order[0])].entry
                tops[entry] = max(probability, tops.get(entry, 0.0))
        others = [(p, e) for e, p in tops.items() if e != answered and e in runners_up]
        return max(others, key=lambda pe: pe[0])[1] if answered in tops and others else None

    def lexical_evidence(self, query: dict[str, float], ranked: list[_Scored]) -> LexicalEvidence:
        """Per-entry lexical scores and the question-level evidence, for the learned ranker."""
        n = len(self._entries)
        score, dice, coverage = np.zeros(n), np.zeros(n), np.zeros(n)
        for r in ranked:
            score[r.index] = r.score / _MAX_RAW
            dice[r.index], coverage[r.index] = r.dice, r.coverage
        if not ranked:
            return LexicalEvidence(score, dice, coverage, -1, 0.0, 1.0, 0.0, 0.0)
        features = self.features(query, ranked)
        return LexicalEvidence(
            score,
            dice,
            coverage,
            ranked[0].index,
            self._decision.probability(features),
            features.foreign,
            features.cue,
            features.mass,
        )

    def question_evidence(self, question: str) -> LexicalEvidence:
        """lexical_evidence for a raw question or a piece of one."""
        query = self._weigh_question(question)
        return self.lexical_evidence(query, self._rank(query, text.fold(question)))

    def evidence(self, question: str) -> tuple[Entry, Features] | None:
        """The best-ranked entry and the features the decision would weigh (None: no candidate).

        For refitting the decision model (bench/faq.py): no exact-label or injection shortcut.
        """
        query = self._weigh_question(question)
        ranked = self._rank(query, text.fold(question))
        if not ranked:
            return None
        return self._entries[ranked[0].index].entry, self.features(query, ranked)

    def features(self, query: dict[str, float], ranked: list[_Scored]) -> Features:
        """The evidence the answer-or-abstain decision weighs (see decision.py)."""
        top = ranked[0]
        runner_up = ranked[1].score if len(ranked) > 1 else 0.0
        total = sum(query.values())
        foreign = sum(w for t, w in query.items() if t[0] == FOREIGN and t[:2] != CUE)
        cue = sum(w for t, w in query.items() if t[:2] == CUE)
        field_weight = self._entries[top.index].field_weight
        # The most specific question term the entry holds in its title or an alias.
        anchor = max(
            (w for t, w in query.items() if field_weight.get(t) == TITLE_FIELD), default=0.0
        )
        return Features(
            score=top.score / _MAX_RAW,
            coverage=top.coverage,
            margin=(top.score - runner_up) / _MAX_RAW,
            dice=top.dice,
            titled=top.titled,
            foreign=foreign / total,
            cue=cue / total,
            mass=math.log1p(top.coverage * total),
            anchor=anchor / self._top_idf,
        )

    def _resolve_exact(self, question: str) -> Entry | None:
        stripped = question.strip()
        entry = self._kb.get(stripped)
        if entry is not None:
            return entry
        return self._exact.get(text.fold(stripped)) if stripped else None

    def _related(self, entry: Entry) -> tuple[Entry, ...]:
        related = (self._kb.get(r) for r in entry.related)
        return tuple(e for e in related if e is not None)[:SUGGESTIONS]

    # -- autocomplete ---------------------------------------------------------------------

    def autocomplete(self, text_in: str, limit: int = 25) -> list[AutocompleteChoice]:
        # Members' keystrokes repeat the same prefixes; the index never changes, so remember.
        key = (text_in, limit)
        cached = self._autocomplete_cache.get(key)
        if cached is None:
            cached = self._autocomplete(text_in, limit)
            if len(self._autocomplete_cache) >= AUTOCOMPLETE_CACHE:
                self._autocomplete_cache.pop(next(iter(self._autocomplete_cache)))  # oldest first
            self._autocomplete_cache[key] = cached
        return list(cached)

    def _autocomplete(self, text_in: str, limit: int) -> list[AutocompleteChoice]:
        limit = max(0, min(limit, 25))
        folded = text.fold(text_in)
        if not folded:
            return [_choice(e.title, e.id) for e in self._default_order[:limit]]
        exact = self._kb.get(text_in.strip())
        scored: dict[str, tuple[float, str]] = {}
        if exact is not None:
            scored[exact.id] = (1000.0, exact.title)
        ranked = {
            self._entries[r.index].entry.id: r.score
            for r in self._rank(self._weigh_question(text_in), folded)
        }
        # One C-level pass over every label (rapidfuzz), then the best label per entry.
        best_of: dict[int, tuple[float, int]] = {}
        for label, similarity, position in process.extract(
            folded, self._autocomplete_labels, scorer=fuzz.partial_ratio, limit=None
        ):
            i, k = self._autocomplete_owner[position]
            label_score = similarity / 100 + (0.5 if label.startswith(folded) else 0.0)
            current = best_of.get(i)
            # Highest score wins; on a tie the earlier label (the title first), as before.
            if label_score > 0 and (
                current is None or (label_score, -k) > (current[0], -current[1])
            ):
                best_of[i] = (label_score, k)
        for i, indexed in enumerate(self._entries):
            entry = indexed.entry
            best, k = best_of.get(i, (0.0, 0))
            best_label = (entry.title, *entry.aliases)[k] if best > 0 else entry.title
            total = best + 2 * ranked.get(entry.id, 0.0)
            if total >= 0.8 and entry.id not in scored:
                scored[entry.id] = (total, best_label)
        order = sorted(scored.items(), key=lambda kv: (-kv[1][0], kv[0]))
        return [_choice(label, entry_id) for entry_id, (_, label) in order[:limit]]


def _choice(label: str, value: str) -> AutocompleteChoice:
    name = label if len(label) <= NAME_LIMIT else label[: NAME_LIMIT - 1] + "…"
    return AutocompleteChoice(name=name, value=value)
