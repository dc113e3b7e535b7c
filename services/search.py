"""Accent-insensitive search over the catalogue.

Citizens type "khai sinh", "KHAI SINH", "dang ky khai sinh" or "Đăng ký khai sinh" and all of
them must find "Đăng ký khai sinh": both sides are folded to unaccented lower-case text.

``rank`` is what the catalogue uses: people type the words they know ("giay khai sinh", "khai sinh cho
con", "xin giấy phép xây nhà"), not the procedure's official name, so a service is scored by how many
of the query's words it has (everyday words widened by ``vocabulary/synonyms.toml``), a word in the name
counting more than one in the description; nothing is all-or-nothing. ``suggest`` answers the query that
found nothing ("Có phải bạn muốn tìm: …") with the services closest to its words, typos included.
``matches``/``filter_services`` keep the strict every-word filter.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

__all__ = ["fold", "search_text", "matches", "filter_services", "Vocabulary", "load_vocabulary", "Hit",
           "rank", "suggest"]

# đ/Đ are letters of their own, not d plus a combining mark, so NFD leaves them alone.
# U+00D0 (Icelandic eth) is what some keyboards produce for Đ and looks identical.
_LETTER_MAP = str.maketrans({"đ": "d", "Đ": "d", "Ð": "d"})
_WHITESPACE = re.compile(r"\s+")
# Punctuation that sticks to words in a typed query ("khai sinh," or "(1.001193)").
_EDGE_PUNCTUATION = ".,;:!?()[]{}\"'“”‘’«»"


def fold(text: str) -> str:
    """Unaccented, lower-case, single-spaced form of ``text``."""
    decomposed = unicodedata.normalize("NFD", text.translate(_LETTER_MAP))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _WHITESPACE.sub(" ", stripped.lower()).strip()


def search_text(service) -> str:
    """The folded text a service is found by: its name, English name, code and sector."""
    parts = [service.name, service.name_en, service.code, service.sector]
    return fold(" ".join(part for part in parts if part))


def _tokens(query: str) -> list[str]:
    tokens = (token.strip(_EDGE_PUNCTUATION) for token in fold(query).split(" "))
    return [token for token in tokens if token]


def matches(query: str, text: str) -> bool:
    """Whether every word of ``query`` occurs in ``text`` (both folded; an empty query matches all)."""
    haystack = fold(text)
    return all(token in haystack for token in _tokens(query))


def filter_services(services: Iterable, query: str) -> list:
    """The services whose ``search_text`` matches ``query``, in their given order."""
    tokens = _tokens(query)
    return [service for service in services if all(token in search_text(service) for token in tokens)]


# ------------------------------------------------------------------ ranking

SYNONYMS_FILE = Path(__file__).resolve().parent / "vocabulary" / "synonyms.toml"
# How much a query word counts where it is found: the name (and its English name and the code) says what
# the procedure is; the result's title ("Giấy khai sinh") and the sector almost as much; the description
# mentions many things in passing.
NAME_WEIGHT, TITLE_WEIGHT, DESCRIPTION_WEIGHT = 3, 2, 1
# A service scoring under this share of the best one is noise next to it ("khai" alone of "khai sinh").
RELATIVE_CUT = 0.4
# How alike a typed word and a catalogue word must be to count as a typo of it (difflib ratio).
TYPO_RATIO = 0.75
# How alike the whole query and a name must be for a suggestion when no word is close enough.
NAME_RATIO = 0.6
_WORD = re.compile(r"[0-9a-z]+(?:\.[0-9a-z]+)*")  # keeps procedure codes ("1.001193") whole


def _words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(fold(text or "")))


@dataclass(frozen=True)
class Vocabulary:
    """Folded phrases: `synonyms` maps an everyday phrase (a tuple of words) to the official phrases it
    also means; `stopwords` are phrases dropped from a query."""
    synonyms: dict
    stopwords: frozenset

    @classmethod
    def from_mapping(cls, data: dict) -> "Vocabulary":
        synonyms = {}
        for key, values in (data.get("synonyms") or {}).items():
            phrase = _words(key)
            if not phrase:
                continue
            alternatives = [phrase] + [_words(v) for v in values if _words(v)]
            synonyms[phrase] = tuple(dict.fromkeys(synonyms.get(phrase, ()) + tuple(alternatives)))
        stopwords = frozenset(_words(w) for w in data.get("stopwords") or () if _words(w))
        return cls(synonyms, stopwords)

    @property
    def longest(self) -> int:
        return max((len(p) for p in (*self.synonyms, *self.stopwords)), default=1)


EMPTY_VOCABULARY = Vocabulary({}, frozenset())


@lru_cache(maxsize=4)
def load_vocabulary(path: str | Path = SYNONYMS_FILE) -> Vocabulary:
    with open(path, "rb") as handle:
        return Vocabulary.from_mapping(tomllib.load(handle))


@dataclass(frozen=True)
class _Term:
    """One thing the query asks for: `size` typed words, found as any of `alternatives`."""
    size: int
    alternatives: tuple[tuple[str, ...], ...]


def _terms(query: str, vocabulary: Vocabulary) -> list[_Term]:
    """The query read left to right, longest known phrase first (a synonym key or a stopword)."""
    words, terms, i = list(_words(query)), [], 0
    while i < len(words):
        for size in range(min(vocabulary.longest, len(words) - i), 0, -1):
            phrase = tuple(words[i:i + size])
            if phrase in vocabulary.synonyms:
                terms.append(_Term(size, vocabulary.synonyms[phrase]))
                break
            if phrase in vocabulary.stopwords:
                break
        else:
            size = 1
        if size == 1 and tuple(words[i:i + 1]) not in vocabulary.synonyms \
                and tuple(words[i:i + 1]) not in vocabulary.stopwords:
            terms.append(_Term(1, ((words[i],),)))
        i += size
    return terms


def _word_matches(typed: str, word: str) -> bool:
    # A longer typed word may be the start of the word ("chung thu" while typing "chứng thực" is not
    # meant; "1.0011" of a code is): only words of four letters or more count as prefixes.
    return typed == word or (len(typed) >= 4 and word.startswith(typed))


def _phrase_in(phrase: tuple[str, ...], words: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(all(_word_matches(p, w) for p, w in zip(phrase, words[i:i + n]))
               for i in range(len(words) - n + 1))


def _value(service, key: str):
    """`key` of a services.loader.ServiceDef, or of a stored version (whose definition is a dict)."""
    value = getattr(service, key, None)
    if value is None and isinstance(getattr(service, "definition", None), dict):
        value = service.definition.get(key)
    return value


def _fields(service) -> tuple[tuple[int, tuple[str, ...]], ...]:
    if not _value(service, "source_hash"):
        return _read_fields(service)
    # One folding per published definition (its hash names it; code and name guard against test rows that
    # all carry the same made-up hash), not one per search.
    key = (_value(service, "source_hash"), _value(service, "code"), _value(service, "name"))
    if key not in _FIELDS_CACHE:
        if len(_FIELDS_CACHE) >= 4096:
            _FIELDS_CACHE.clear()
        _FIELDS_CACHE[key] = _read_fields(service)
    return _FIELDS_CACHE[key]


_FIELDS_CACHE: dict[tuple, tuple] = {}


def _read_fields(service) -> tuple[tuple[int, tuple[str, ...]], ...]:
    result = _value(service, "result") or {}
    title = result.get("title", "") if isinstance(result, dict) else ""
    return ((NAME_WEIGHT, _words(_value(service, "name") or "")),
            (NAME_WEIGHT, _words(_value(service, "name_en") or "")),
            (NAME_WEIGHT, _words(_value(service, "code") or "")),
            (TITLE_WEIGHT, _words(title)),
            (TITLE_WEIGHT, _words(_value(service, "sector") or "")),
            (DESCRIPTION_WEIGHT, _words(_value(service, "description") or "")))


@dataclass(frozen=True)
class Hit:
    service: object
    score: float
    matched: int  # typed words found (a phrase counts its words)
    words: int  # typed words that count (stopwords left out)


def _score(terms: Sequence[_Term], fields) -> tuple[float, int, int]:
    score, matched, in_name = 0.0, 0, 0
    for term in terms:
        weight = max((w for w, words in fields if any(_phrase_in(alt, words) for alt in term.alternatives)),
                     default=0)
        if weight:
            score += weight * term.size
            matched += term.size
            in_name += term.size if weight == NAME_WEIGHT else 0
    return score, matched, in_name


def _name_coverage(terms: Sequence[_Term], service) -> float:
    """Share of the name's words the query asked for: equal scores go to the shorter, closer name."""
    name = _words(_value(service, "name") or "")
    asked = {word for term in terms for alternative in term.alternatives for word in alternative}
    return sum(1 for word in name if any(_word_matches(a, word) for a in asked)) / (len(name) or 1)


def rank(services: Iterable, query: str, vocabulary: Vocabulary | None = None) -> list[Hit]:
    """The services that have words of ``query``, best first. An empty query gives every service in its
    given order, with score 0; one of stopwords only ("xin cho"), none."""
    vocabulary = load_vocabulary() if vocabulary is None else vocabulary
    services = list(services)
    if not _words(query):
        return [Hit(service, 0.0, 0, 0) for service in services]
    terms = _terms(query, vocabulary)
    if not terms:
        return []
    size = sum(term.size for term in terms)
    scored = []
    for order, service in enumerate(services):
        score, matched, in_name = _score(terms, _fields(service))
        if score:
            scored.append((score, matched, in_name, _name_coverage(terms, service), -order, service))
    if not scored:
        return []
    best = max(entry[0] for entry in scored)
    scored = [entry for entry in scored if entry[0] >= RELATIVE_CUT * best]
    scored.sort(key=lambda entry: entry[:5], reverse=True)
    return [Hit(entry[5], entry[0], entry[1], size) for entry in scored]


def _corrected(query: str, vocabulary: Vocabulary, known: set[str]) -> str:
    """``query`` with each word not in the catalogue replaced by the most alike one that is."""
    out = []
    for word in (word for term in _terms(query, vocabulary) for word in term.alternatives[0]):
        if word in known or not word.isalpha():
            out.append(word)
            continue
        best = max(known, key=lambda k: SequenceMatcher(None, word, k).ratio(), default=None)
        if best is not None and SequenceMatcher(None, word, best).ratio() >= TYPO_RATIO:
            out.append(best)
    return " ".join(out)


def suggest(services: Iterable, query: str, limit: int = 3, vocabulary: Vocabulary | None = None) -> list:
    """The services closest to a query ``rank`` found nothing for: its words with typos corrected against
    the catalogue's words ("khia sinh", "giay phep xay dugn"), else the names most alike the whole query."""
    vocabulary = load_vocabulary() if vocabulary is None else vocabulary
    services = list(services)
    known = {word for service in services for weight, words in _fields(service) if weight > DESCRIPTION_WEIGHT
             for word in words}
    known |= {word for phrase in vocabulary.synonyms for word in phrase}
    corrected = _corrected(query, vocabulary, known)
    hits = rank(services, corrected, vocabulary) if corrected and corrected != fold(query) else []
    if hits and hits[0].score:
        return [hit.service for hit in hits[:limit]]
    terms = _terms(query, vocabulary)
    if not terms:
        return []  # nothing but stopwords: no word to be close to
    folded = " ".join(word for term in terms for word in term.alternatives[0])
    alike = sorted(((SequenceMatcher(None, folded, " ".join(_words(_value(s, "name") or ""))).ratio(), -i, s)
                    for i, s in enumerate(services)), key=lambda entry: entry[:2], reverse=True)
    return [service for ratio, _, service in alike[:limit] if ratio >= NAME_RATIO]
