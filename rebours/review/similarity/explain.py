"""Why two texts look alike: the words and the passages they share.

A score alone asks the reviewer to trust the machine. Showing "cantine, producteurs,
locaux" or "circuit court pour les cantines" lets a person judge the match in a
second, whatever backend found it. The explanation is lexical for every backend:
an embedding can pair texts that share no word, and then the explanation is
honestly empty rather than invented.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Sequence
from difflib import SequenceMatcher

from .text import Token, tokenize

MAX_TERMS = 8
MAX_PASSAGES = 3
# A passage is worth showing when it has at least this many words, of which at least
# MIN_PASSAGE_CONTENT carry meaning: "de la région" alone explains nothing.
MIN_PASSAGE_WORDS = 3
MIN_PASSAGE_CONTENT = 2


def idf_from_counts(n_docs: int, df: int) -> float:
    """Smoothed inverse document frequency, the same formula TF-IDF uses.

    A stem in every document still gets a weight of 1, and an unseen one the most.
    """
    return math.log((1 + n_docs) / (1 + df)) + 1.0


class Lexicon:
    """Tokens of an index's documents, made on demand, and the corpus IDF.

    Tokens with their positions are only needed for the few documents shown as
    matches, so they are kept in a bounded cache instead of for the whole corpus.
    The document frequencies are computed once, when first needed, unless the
    caller (TF-IDF) already has them.
    """

    def __init__(
        self,
        texts: Sequence[str],
        stems: Callable[[int], Sequence[str]],
        df: dict[str, int] | None = None,
        cache_size: int = 4096,
    ) -> None:
        self._texts = texts
        self._stems = stems
        self._df = df
        self._cache: OrderedDict[int, list[Token]] = OrderedDict()
        self._cache_size = cache_size
        # An index may be shared by several request threads; OrderedDict moves are
        # not atomic.
        self._lock = threading.Lock()

    def text(self, pos: int) -> str:
        return self._texts[pos]

    def tokens(self, pos: int) -> list[Token]:
        with self._lock:
            cached = self._cache.get(pos)
            if cached is not None:
                self._cache.move_to_end(pos)
                return cached
        tokens = tokenize(self._texts[pos])
        with self._lock:
            self._cache[pos] = tokens
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return tokens

    def idf(self, stem: str) -> float:
        df = self._df
        if df is None:
            counts: Counter[str] = Counter()
            for pos in range(len(self._texts)):
                counts.update(set(self._stems(pos)))
            # Two threads may both count; they get the same answer.
            df = self._df = dict(counts)
        return idf_from_counts(len(self._texts), df.get(stem, 0))


def _display(surface: str) -> str:
    # Keep acronyms ("PLU", "CAF") as written; other words in lower case, because a
    # title's capital says nothing about the word.
    return surface if surface.isupper() and len(surface) > 1 else surface.lower()


def shared_terms(
    query: Sequence[Token],
    other: Sequence[Token],
    idf: Callable[[str], float],
    limit: int = MAX_TERMS,
) -> list[str]:
    """Content words whose stem both texts use, most telling first.

    A stem weighs what it adds to the TF-IDF cosine of the two texts (idf squared
    times both sublinear counts), so a rare shared word comes before a common one.
    The word is shown as the query text writes it, preferring a form that the other
    text uses too ("cantine" rather than "cantines" when both say "cantine").
    """
    q_count = Counter(t.stem for t in query if not t.is_stop)
    o_count = Counter(t.stem for t in other if not t.is_stop)
    common = q_count.keys() & o_count.keys()
    if not common:
        return []
    other_forms = {t.folded for t in other}
    chosen: dict[str, Token] = {}
    for t in query:
        if t.stem not in common:
            continue
        current = chosen.get(t.stem)
        if current is None or (t.folded in other_forms and current.folded not in other_forms):
            chosen[t.stem] = t

    def weight(s: str) -> float:
        return idf(s) ** 2 * (1 + math.log(q_count[s])) * (1 + math.log(o_count[s]))

    ranked = sorted(common, key=lambda s: (-weight(s), s))[:limit]
    return [_display(chosen[s].surface) for s in ranked]


_BREAK_RE = re.compile(r"[.!?;:\n]")


def _keys(text: str, tokens: Sequence[Token], tag: str) -> tuple[list[str], list[int]]:
    """Stems to align, with a marker wherever a sentence or the title ends.

    Markers differ between the two texts and from one another, so no common run
    can cross a sentence boundary ("cantine. Les cantines" is not one passage).
    Returns the keys and, for each key, the token it stands for (-1 for markers).
    """
    keys: list[str] = []
    owners: list[int] = []
    for i, token in enumerate(tokens):
        if i and _BREAK_RE.search(text, tokens[i - 1].end, token.start):
            keys.append(f"\x00{tag}{i}")
            owners.append(-1)
        keys.append(token.stem)
        owners.append(i)
    return keys, owners


def common_passages(
    query_text: str,
    query: Sequence[Token],
    other_text: str,
    other: Sequence[Token],
    limit: int = MAX_PASSAGES,
) -> list[str]:
    """Longest runs of words found in both texts (compared by stem), longest first.

    Shown as written in the query text, so "circuits courts pour les cantines"
    still matches "circuit court pour la cantine" apart from the article.
    """
    if len(query) < MIN_PASSAGE_WORDS or len(other) < MIN_PASSAGE_WORDS:
        return []
    a, owners = _keys(query_text, query, "q")
    b, _ = _keys(other_text, other, "o")
    # autojunk off: its popularity heuristic would drop frequent words such as
    # "de", which belong inside passages.
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    found: list[tuple[int, str]] = []
    for block in matcher.get_matching_blocks():
        if block.size < MIN_PASSAGE_WORDS:
            continue
        words = [query[owners[k]] for k in range(block.a, block.a + block.size)]
        if sum(not t.is_stop for t in words) < MIN_PASSAGE_CONTENT:
            continue
        found.append((block.size, query_text[words[0].start : words[-1].end]))
    found.sort(key=lambda item: -item[0])
    return [passage for _, passage in found[:limit]]
