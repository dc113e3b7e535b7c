"""The QR code printed on every document: the verification URL, drawn as vector SVG inside the PDF."""
from __future__ import annotations

from functools import lru_cache

import segno


@lru_cache(maxsize=256)
def qr_data_uri(url: str) -> str:
    # Error correction "M" survives a crease or a stamp over a corner of the printed code.
    code = segno.make_qr(url, error="m")
    return code.svg_data_uri(scale=4, border=2, dark="#000", light="#fff", omit_charset=True)


def qr_svg(url: str) -> str:
    """The same code as an SVG document, for the verification page."""
    code = segno.make_qr(url, error="m")
    return code.svg_inline(scale=4, border=2)
