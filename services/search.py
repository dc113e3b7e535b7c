"""Accent-insensitive search over the catalogue.

Citizens type "khai sinh", "KHAI SINH", "dang ky khai sinh" or "Đăng ký khai sinh" and all of
them must find "Đăng ký khai sinh": both sides are folded to unaccented lower-case text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

__all__ = ["fold", "search_text", "matches", "filter_services"]

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
