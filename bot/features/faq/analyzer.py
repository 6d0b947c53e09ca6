"""The analyzer: text to canonical terms, the same way for entries and for members' questions.

Fold, opener cues ("who is ...", "where"), multi-word phrases, the synonym map, stop words and a
light stem, all driven by the Vocabulary (knowledge/vocabulary.yaml). Words the index has never
seen are typo-corrected against its own vocabulary first; off-topic cues and unknown words carry
a prefix so they can never match an entry, only weigh against it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.features.faq import text
from bot.features.faq.vocabulary import MAX_LEADING_WORDS, Vocabulary

FOREIGN = "!"  # prefix for unknown words: they can never match an entry
CUE = "!!"  # prefix for off-topic cue words
PERFORMANCE_TERM = "performanc"  # a race or speed word read as part of a muscle question


class Analyzer:
    """Turns text into canonical terms; knows the index vocabulary for typo correction."""

    def __init__(self, vocabulary: Vocabulary, people: frozenset[str] = frozenset()) -> None:
        """`people`: folded name words of the persons the knowledge cites ("nelson", "mike")."""
        self._vocabulary = vocabulary
        self._people = people
        self._index_terms: set[str] = set()
        self._surface_by_letter: dict[str, list[str]] = defaultdict(list)
        # Inflections the maps do not list ("powerlifters", "bros") still reach them via stems.
        # Past participles are left out: "trained" means experienced, but its stem is also that
        # of "training" and "train", which must not.
        self._words_by_stem = {
            text.stem(k): v for k, v in vocabulary.words.items() if not k.endswith("ed")
        }
        self._stop_stems = {text.stem(w) for w in vocabulary.stop_words}
        self._body_intent_stems = {text.stem(w) for w in vocabulary.body_intent}
        self._body_part_stems = {text.stem(w) for w in vocabulary.body_parts}
        # Words of known phrases are never "corrected" away ("in simple terms" is noise).
        self._phrase_words = {
            w for key in (*vocabulary.phrases, *vocabulary.leading) for w in key.split()
        }
        self._max_phrase_words = vocabulary.max_phrase_words
        self._stop_by_letter: dict[str, list[str]] = defaultdict(list)
        for stop in sorted(vocabulary.stop_words, key=lambda w: (len(w), w)):
            if len(stop) >= 3:
                self._stop_by_letter[stop[0]].append(stop)

    def learn(self, words: Iterable[str]) -> None:
        for word in words:
            for term in self.canonical(word):
                self._index_terms.add(term)
            if len(word) >= 3 and not word.isdigit() and word not in self._vocabulary.stop_words:
                bucket = self._surface_by_letter[word[0]]
                if word not in bucket:
                    bucket.append(word)

    def learn_synonyms(self) -> None:
        self.learn(w for key in self._vocabulary.words for w in key.split())

    def canonical(self, word: str) -> list[str]:
        vocabulary = self._vocabulary
        if word in vocabulary.off_topic:
            return [CUE + word]
        mapped = vocabulary.words.get(word)
        if mapped is not None:
            return [text.stem(w) for w in mapped.split()]
        if word in vocabulary.stop_words:
            return []
        stemmed = text.stem(word)
        mapped = self._words_by_stem.get(stemmed)
        if mapped is not None:
            return [text.stem(w) for w in mapped.split()]
        return [] if stemmed in self._stop_stems else [stemmed]

    def _correct(self, word: str) -> str | None:
        """Closest known surface word for a typo, or None when nothing is close enough."""
        if len(word) < 3 or word.isdigit() or word == text.URL_TOKEN:
            return None
        bucket = self._surface_by_letter.get(word[0], [])
        cutoff = 85.0 if len(word) <= 8 else 80.0
        found = process.extractOne(word, bucket, scorer=fuzz.ratio, score_cutoff=cutoff)
        if found is None and len(word) >= 5:
            # One substituted or swapped letter ("mussle", "muscel") costs two edits above.
            found = process.extractOne(word, bucket, scorer=OSA.distance, score_cutoff=1)
        return found[0] if found else None

    def _known(self, word: str) -> bool:
        vocabulary = self._vocabulary
        if word in vocabulary.generic or word in vocabulary.words or word in vocabulary.off_topic:
            return True
        if word in vocabulary.performance:
            return True
        if word in self._phrase_words:
            return True
        return all(t in self._index_terms or t[0] == FOREIGN for t in self.canonical(word))

    def _spell(self, word: str) -> str:
        """A word the index can use: itself if known, a dropped-vowel function word ("hw",
        "shud") as that word, a domain typo as the domain word; else the word as typed."""
        if self._known(word) or word.isdigit():
            return word
        if len(word) <= 4:
            for stop in self._stop_by_letter.get(word[0], ()):
                if len(stop) > len(word) and _is_subsequence(word, stop):
                    return stop
        return self._correct(word) or word

    def with_phrases(self, words: list[str]) -> list[str]:
        """Known phrases replaced by their canonical words, longest first."""
        out: list[str] = []
        i = 0
        while i < len(words):
            for n in range(min(self._max_phrase_words, len(words) - i), 1, -1):
                replacement = self._vocabulary.phrases.get(" ".join(words[i : i + n]))
                if replacement is not None:
                    out.extend(replacement.split())
                    i += n
                    break
            else:
                out.append(words[i])
                i += 1
        return out

    def _with_leading_cue(self, words: list[str]) -> list[str]:
        """A question opening with "where" or "who is" (after filler) gets its sentinel cue."""
        start = 0
        while start < len(words) - 1 and words[start] in self._vocabulary.leading_filler:
            start += 1
        for n in range(MAX_LEADING_WORDS, 0, -1):
            cue = self._vocabulary.leading.get(" ".join(words[start : start + n]))
            if cue is not None and len(words) >= start + n:
                rest = words[start + n :]
                if cue in self._vocabulary.who_questions and self._people.intersection(rest):
                    return [*words[:start], *rest]  # who a cited expert is: an entry says
                return [*words[:start], cue, *rest]
        return words

    def terms(self, raw: str, *, correct: bool) -> list[str]:
        vocabulary = self._vocabulary
        words = text.words(raw)
        if correct:
            # Typos are fixed before phrases so "strenght trainin" still reads as lifting.
            words = [self._spell(w) for w in words]
        words = self._with_leading_cue(words)
        words = self.with_phrases(words)
        canons = [self.canonical(w) for w in words]
        # Race and speed words are a muscle question's context, or a coaching question's topic.
        about_body = any(t in self._body_intent_stems for canon in canons for t in canon)
        injured = any(w in vocabulary.pain for w in words) and any(
            w in vocabulary.body_parts or any(t in self._body_part_stems for t in c)
            for w, c in zip(words, canons, strict=True)
        )
        out: list[str] = []
        for word, canon in zip(words, canons, strict=True):
            if injured and (
                word in vocabulary.pain or any(t in self._body_part_stems for t in canon)
            ):
                # A pain complaint: where it hurts is the injury's place, not the topic.
                canon = [CUE + word]
            if word in vocabulary.performance:
                if not about_body:
                    canon = [CUE + word]
                elif word not in vocabulary.words:
                    canon = [PERFORMANCE_TERM]
            if correct and not self._known(word):
                canon = [FOREIGN + t for t in canon]
            out.extend(canon)
        return out


def _is_subsequence(short: str, long: str) -> bool:
    chars = iter(long)
    return all(ch in chars for ch in short)
