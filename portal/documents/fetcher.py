"""The only way the PDF renderer can read anything: the portal's own fonts, and inline images (the QR).

WeasyPrint follows every URL a document mentions (images, stylesheets, @font-face, even
`<link rel=attachment>`, which would embed the file into the PDF). Templates autoescape what people type,
so no URL should come from them; this fetcher makes sure that, whatever slips through, the renderer
reads no file outside the font folder and opens no network connection.
"""
from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

FONT_DIR = Path(__file__).resolve().parent / "fonts"
# Relative URLs in the stylesheet ("fonts/LiberationSerif-Regular.ttf") resolve against this package.
ASSET_BASE_URL = Path(__file__).resolve().parent.as_uri() + "/"
ALLOWED_DATA_TYPES = ("image/svg+xml", "image/png")
MAX_DATA_URI = 256 * 1024

log = logging.getLogger(__name__)


class RefusedURL(ValueError):
    """The renderer asked for something outside the portal's own assets."""


def _font_files() -> dict[str, Path]:
    return {path.resolve().as_posix(): path for path in FONT_DIR.glob("*.ttf")}


class AssetOnlyFetcher(URLFetcher):
    def __init__(self):
        # No redirects, no network protocols: the parent's HTTP handlers are never reached anyway.
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False, fail_on_errors=False)
        self._fonts = _font_files()

    def fetch(self, url, headers=None):
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return self._data(url, headers)
        if scheme == "file":
            return self._font(url)
        log.warning("document renderer refused %s", url[:200])
        raise RefusedURL(f"refused URL: {url[:200]}")

    def _data(self, url, headers):
        media_type = url[5:].split(",", 1)[0].split(";", 1)[0].strip().lower()
        if media_type not in ALLOWED_DATA_TYPES or len(url) > MAX_DATA_URI:
            raise RefusedURL(f"refused inline data of type {media_type!r}")
        return super().fetch(url, headers)

    def _font(self, url):
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise RefusedURL(f"refused URL: {url[:200]}")
        # Resolving first defeats "../" and symbolic links out of the font folder.
        path = Path(unquote(parts.path)).resolve().as_posix()
        font = self._fonts.get(path)
        if font is None:
            log.warning("document renderer refused %s", url[:200])
            raise RefusedURL(f"refused URL: {url[:200]}")
        return URLFetcherResponse(font.as_uri(), font.read_bytes(), {"Content-Type": "font/ttf"})
