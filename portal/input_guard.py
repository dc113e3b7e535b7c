"""What every request's input goes through before any view sees it.

- A NUL character is refused: no form or API field needs one, PostgreSQL cannot store one, and letting it
  through would turn a typing accident or a probe into a 500.
- JSON nested deeper than MAX_JSON_DEPTH is refused before it is parsed (Python's parser would recurse
  until it fails: `[` × 5000 was a 500, even without signing in).
- Invisible formatting characters are removed from every text (forms, query strings, JSON, file names):
  bidirectional controls such as RIGHT-TO-LEFT OVERRIDE make "hoso\u202efdp.exe" read as "hosoexe.pdf" to the
  officer, and zero-width characters make two names that look the same compare different. Vietnamese needs
  none of them.
"""
import json
import re

from flask import abort, request
from werkzeug.datastructures import ImmutableMultiDict

from .i18n import N_

MESSAGE = N_("Dữ liệu gửi lên chứa ký tự không hợp lệ (NUL).")
DEPTH_MESSAGE = N_("Dữ liệu JSON lồng nhau quá sâu.")
MAX_JSON_DEPTH = 32
# The payment gateway's callback answers in its own protocol whatever it is sent (a forged call gets 97).
PROTOCOL_ENDPOINTS = {"payments.vnpay_ipn"}

# ALM, LRM, RLM, the embeddings/overrides/isolates, zero-width space/non-joiner/joiner, word joiner and
# the invisible operators, the BOM used as a zero-width no-break space, the Mongolian vowel separator.
INVISIBLE = re.compile("[\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKET = re.compile(rb"[\[\]{}]")


def clean_text(value: str) -> str:
    """The text without bidirectional controls and zero-width characters."""
    return INVISIBLE.sub("", value)


def cleaned(value):
    """`value` with clean_text applied to every string in it (dict keys too)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {cleaned(k): cleaned(v) for k, v in value.items()}
    if isinstance(value, list):
        return [cleaned(v) for v in value]
    return value


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def json_too_deep(data: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the brackets of this JSON text (strings aside) nest deeper than `limit`."""
    if data.count(b"[") + data.count(b"{") <= limit:
        return False
    depth = 0
    for match in _JSON_BRACKET.finditer(_JSON_STRING.sub(b'""', data)):
        depth += 1 if match.group() in (b"[", b"{") else -1
        if depth > limit:
            return True
    return False


def _clean_multidict(values):
    """The same MultiDict when nothing needs cleaning (the common case), else a cleaned copy."""
    if not any(INVISIBLE.search(k) or INVISIBLE.search(v) for k, v in values.items(multi=True)
               if isinstance(v, str)):
        return values
    return ImmutableMultiDict([(clean_text(k), clean_text(v) if isinstance(v, str) else v)
                               for k, v in values.items(multi=True)])


def _guard_json():
    raw = request.get_data(cache=True)
    if not raw:
        return
    if json_too_deep(raw):
        abort(400, DEPTH_MESSAGE)
    body = request.get_json(silent=True)
    if _has_nul(body):
        abort(400, MESSAGE)
    # A character can also arrive as a \\u escape, so the parsed body is what gets compared.
    if body is not None and (b"\\u" in raw or INVISIBLE.search(raw.decode("utf-8", "replace"))):
        tidy = cleaned(body)
        if tidy != body:
            # Both what get_json() returns and the bytes webargs parses itself.
            request._cached_json = (tidy, tidy)
            request._cached_data = json.dumps(tidy, ensure_ascii=False).encode()


def install_input_guard(app):
    @app.before_request
    def guard_input():
        if request.endpoint in PROTOCOL_ENDPOINTS:
            return
        if "\x00" in request.path or any(_has_nul(v) for v in request.args.listvalues()):
            abort(400, MESSAGE)
        request.__dict__["args"] = _clean_multidict(request.args)
        if request.is_json:
            _guard_json()
        elif request.method in ("POST", "PUT", "PATCH", "DELETE") and \
                request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            if any(_has_nul(v) for v in request.form.listvalues()):
                abort(400, MESSAGE)
            request.__dict__["form"] = _clean_multidict(request.form)
            request.__dict__.pop("values", None)
