"""The text side of the scope blocks: terms as LanceDB's default full-text analyzer makes
them (simple tokenizer, lower case, ASCII folding, English stop words, Snowball stemming),
and the BM25 reach that full-text scores are divided by on both search paths."""

from __future__ import annotations

import math
import re
import threading
import unicodedata

__all__ = ["STOP_WORDS", "bm25_reach", "term_id", "tokenize"]

# The English stop words of LanceDB's default full-text analyzer (tantivy's list).
STOP_WORDS = frozenset([
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is",
    "it", "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there",
    "these", "they", "this", "to", "was", "will", "with",
])
_TOKEN = re.compile(r"[^\W_]+")
_stem_cache: dict[str, str] = {}
_STEM_CACHE_MAX = 200_000
try:
    import snowballstemmer
except ImportError:  # pragma: no cover - a dependency; without it terms are not stemmed
    snowballstemmer = None
# A snowball stemmer keeps the word being stemmed in the object: two threads sharing one
# (a block built in a worker thread beside a search) corrupt each other's word and raise
# IndexError. One stemmer per thread.
_stemmers = threading.local()


def _stem(word: str) -> str:
    s = _stem_cache.get(word)
    if s is None:
        if snowballstemmer is None:
            s = word
        else:
            stemmer = getattr(_stemmers, "english", None)
            if stemmer is None:
                stemmer = _stemmers.english = snowballstemmer.stemmer("english")
            s = stemmer.stemWord(word)
        if len(_stem_cache) >= _STEM_CACHE_MAX:
            _stem_cache.clear()
        _stem_cache[word] = s
    return s


def tokenize(text: str) -> list[str]:
    """Terms of a text as LanceDB's default analyzer makes them (see the module docstring)."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    out = []
    for w in _TOKEN.findall(text.lower()):
        if len(w) <= 40 and w not in STOP_WORDS:
            out.append(_stem(w))
    return out


def bm25_reach(terms: int, docs: int) -> float:
    """The BM25 score a query of ``terms`` distinct terms reaches when each is found once,
    in one row of average length (where ``tf * (k1 + 1) / (tf + k1)`` is 1), in one of
    ``docs`` rows: full-text scores are divided by it."""
    return max(terms, 1) * math.log(1.0 + (max(docs, 1) - 0.5) / 1.5)


def term_id(term: str) -> int:
    """The integer a term is stored as in a block's postings."""
    return hash(term) & 0x7FFF_FFFF_FFFF_FFFF
