"""The renderer reads the portal's fonts and inline images, nothing else: no file, no network."""
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO

import pytest
import weasyprint
from pypdf import PdfReader

from portal.documents.fetcher import FONT_DIR, AssetOnlyFetcher, RefusedURL
from portal.documents.render import html_to_pdf


@pytest.fixture
def fetcher():
    return AssetOnlyFetcher()


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "file://localhost/etc/passwd",
    f"{FONT_DIR.as_uri()}/../../../config.py",
    f"{FONT_DIR.as_uri()}/LICENSE",
    "http://127.0.0.1/",
    "https://example.com/logo.png",
    "ftp://example.com/x",
    "data:text/html,<script>alert(1)</script>",
    "javascript:alert(1)",
    "relative/path.png",
])
def test_refuses_anything_but_own_assets(fetcher, url):
    with pytest.raises(RefusedURL):
        fetcher(url)


def test_serves_the_shipped_fonts_and_inline_svg(fetcher):
    font = FONT_DIR / "LiberationSerif-Regular.ttf"
    response = fetcher(font.as_uri())
    assert response.read() == font.read_bytes()
    svg = fetcher("data:image/svg+xml,%3Csvg%20xmlns%3D%27http%3A%2F%2Fwww.w3.org%2F2000%2Fsvg%27"
                  "%3E%3C%2Fsvg%3E")
    assert svg.read().startswith(b"<svg")


def test_a_file_named_in_the_html_is_never_embedded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("bí mật")
    html = (f'<link rel="attachment" href="{secret.as_uri()}"><img src="{secret.as_uri()}">'
            '<img src="file:///etc/passwd"><p>x</p>')
    assert PdfReader(BytesIO(html_to_pdf(html))).attachments == {}
    # The same HTML through WeasyPrint's default fetcher does embed the file: the check above can fail.
    bare = weasyprint.HTML(string=html).write_pdf()
    assert PdfReader(BytesIO(bare)).attachments != {}


class _Recorder(BaseHTTPRequestHandler):
    hits = []

    def do_GET(self):
        self.hits.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_no_network_request_is_made():
    _Recorder.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        html = (f'<link rel="stylesheet" href="{base}/style.css"><img src="{base}/img.png">'
                f'<style>@import url("{base}/import.css");'
                f' p {{ background: url("{base}/bg.png") }}</style><p>x</p>')
        html_to_pdf(html)
        assert _Recorder.hits == []
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
