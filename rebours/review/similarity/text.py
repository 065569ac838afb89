"""Text handling shared by the similarity backends: cleaning, French tokens, trigrams.

Everything here is pure Python so it can run in a worker, a management command or
a test without Django.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

# Longest text we look at. Proposals are a few sentences; a cap keeps one hostile or
# pasted-in document from costing minutes of embedding time or megabytes of trigrams.
MAX_CHARS = 10_000

# Characters that are invisible or control characters (bidi marks, zero-width joiners,
# NUL...). NUL in particular would silently cut the text when handed to C code.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
_SPACE_RE = re.compile(r"\s+")

# A word: a run of letters or digits. Apostrophes (straight and curly) split elisions
# such as "l'école" into "l" + "école", which is what a French reader expects.
_WORD_RE = re.compile(r"[^\W_]+")


def clean_text(text: str) -> str:
    """Return `text` made safe for every backend.

    Lone surrogates cannot be encoded to UTF-8 (the E5 engine needs bytes), invisible
    and control characters carry no meaning for similarity, and NFC makes "é" typed
    as one or two code points compare equal.
    """
    text = text[: MAX_CHARS * 2]  # bound the work below before the exact cut
    text = text.encode("utf-8", "replace").decode("utf-8")
    text = unicodedata.normalize("NFC", text)
    text = "".join(
        " " if unicodedata.category(ch) in _INVISIBLE_CATEGORIES else ch
        for ch in text
        if ch != "\ufffd"
    )
    return _SPACE_RE.sub(" ", text).strip()[:MAX_CHARS]


def fold_accents(word: str) -> str:
    """Lower-case and strip diacritics: "Écoles" -> "ecoles".

    Citizens type with and without accents (phones, keyboards, haste); folding makes
    "electricite" and "électricité" the same term.
    """
    decomposed = unicodedata.normalize("NFD", word.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # Ligatures that NFD leaves alone but French writers swap freely.
    return stripped.replace("œ", "oe").replace("æ", "ae")


# Our own short list, folded (no accents), of French words that say nothing about a
# proposal's subject. Kept short on purpose: a long list would hide words such as
# "sans", which can matter ("sans voiture"), so only grammatical words and the
# boilerplate of proposals ("proposer", "faudrait") are here.
_STOP_WORDS = """
    a au aux avec c ca ce ceci cela celle celles celui ces cet cette ceux chaque
    comme d dans de des du elle elles en entre et eux il ils j je l la le les leur
    leurs lui m ma mais me meme mes moi mon n ne ni nos notre nous on ou par pas
    pour qu que quel quelle quelles quels qui s sa se ses si son sur t ta te tes
    toi ton tu un une vos votre vous y
    est sont etre ete etait sera serait seraient soit ont avoir avait aura aurait
    fait faire peut peuvent pourrait pourraient doit doivent devrait devraient
    faut faudrait plus moins tres trop tout tous toute toutes aussi ainsi afin
    alors apres avant chez dont donc lors puis ici bien encore deja
    proposer propose proposons proposition propositions idee idees projet
    voudrions voulons souhaitons permettre permettrait
"""
FRENCH_STOP_WORDS: frozenset[str] = frozenset(_STOP_WORDS.split())

_STEMMER = snowballstemmer.stemmer("french")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """French Snowball stem of a word, accent-folded afterwards.

    The stemmer is given the accented lower-case word (its rules rely on accents),
    and only the stem is folded. Cached: snowballstemmer is pure Python (~40 us a
    word) and a corpus repeats the same few thousand words.
    """
    return fold_accents(_STEMMER.stemWord(word.lower()))


@dataclass(frozen=True, slots=True)
class Token:
    """A word of a text, with where it sits, so passages can be shown as written."""

    surface: str  # as written in the text
    folded: str  # lower-case, accents removed
    stem: str  # folded Snowball stem
    start: int
    end: int

    @property
    def is_stop(self) -> bool:
        return self.folded in FRENCH_STOP_WORDS or len(self.folded) < 2


def tokenize(text: str) -> list[Token]:
    """Words of an already cleaned text, in order, stop words included.

    Stop words stay in the list because passages ("mise en place d'une cantine")
    read better with them; callers filter with `Token.is_stop`.
    """
    tokens = []
    for m in _WORD_RE.finditer(text):
        surface = m.group()
        folded = fold_accents(surface)
        tokens.append(Token(surface, folded, stem(surface), m.start(), m.end()))
    return tokens


def content_stems(text: str) -> list[str]:
    """Stems of the words that carry meaning, in text order (with repeats)."""
    return [t.stem for t in tokenize(text) if not t.is_stop]


def pg_trgm_trigrams(text: str) -> set[str]:
    """The trigram set of `text` as PostgreSQL's pg_trgm extracts it.

    pg_trgm lower-cases the string, keeps only alphanumeric "words", pads each word
    with two spaces in front and one behind, and takes every 3-character window.
    Accents are kept (pg_trgm does not fold them unless `unaccent` is used), so
    "école" and "ecole" share only some trigrams - the same as Decidim sees them.
    """
    trigrams: set[str] = set()
    for word in _WORD_RE.findall(text.lower()):
        padded = f"  {word} "
        trigrams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return trigrams


def pg_trgm_similarity(a: str, b: str) -> float:
    """pg_trgm's `similarity(a, b)`: shared trigrams over trigrams of either text."""
    ta, tb = pg_trgm_trigrams(a), pg_trgm_trigrams(b)
    if not ta or not tb:
        return 0.0  # pg_trgm also answers 0 when either side has no trigram
    inter = len(ta & tb)
    return inter / (len(ta) + len(tb) - inter)
