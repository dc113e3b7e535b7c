"""The installable app's files, over the test client: the manifest and its icons, the service worker's
script and the offline page."""
import io
import json
import re
from pathlib import Path

from PIL import Image

from tests.factories import login


def _manifest(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    return json.loads(response.get_data(as_text=True))


def test_manifest_describes_an_installable_app(client, demo):
    manifest = _manifest(client)
    assert manifest["name"] == "Dịch vụ công trực tuyến"
    assert manifest["short_name"] and len(manifest["short_name"]) <= 12
    assert manifest["lang"] == "vi"
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    css = (Path(__file__).resolve().parents[2] / "portal" / "static" / "portal.css").read_text(encoding="utf-8")
    assert manifest["theme_color"] == re.search(r"--portal-red:\s*(#[0-9a-f]{6})", css).group(1)


def test_every_icon_is_a_png_of_the_size_it_claims(client, demo):
    icons = _manifest(client)["icons"]
    seen = set()
    for icon in icons:
        response = client.get(icon["src"])
        assert response.status_code == 200, icon
        assert response.mimetype == icon["type"] == "image/png"
        image = Image.open(io.BytesIO(response.get_data()))
        response.close()
        assert image.format == "PNG"
        width, height = (int(n) for n in icon["sizes"].split("x"))
        assert image.size == (width, height), icon
        seen.add((width, icon["purpose"]))
    assert {(192, "any"), (512, "any"), (512, "maskable")} <= seen


def test_maskable_icon_keeps_its_star_inside_the_safe_zone(client, demo):
    """A launcher may cut a maskable icon to a circle of 80 % of its width: outside it only the red."""
    src = next(icon["src"] for icon in _manifest(client)["icons"] if icon["purpose"] == "maskable")
    response = client.get(src)
    image = Image.open(io.BytesIO(response.get_data())).convert("RGB")
    response.close()
    size = image.width
    red = image.getpixel((0, 0))
    radius = 0.4 * size
    for x in range(0, size, 4):
        for y in range(0, size, 4):
            if (x - size / 2) ** 2 + (y - size / 2) ** 2 > radius ** 2:
                assert image.getpixel((x, y)) == red, (x, y)
    assert image.getpixel((size // 2, size // 2)) != red  # the star is there


def test_every_page_links_the_manifest_and_the_worker(client, demo):
    html = client.get("/").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<meta name="theme-color" content="#a3171c">' in html
    assert re.search(r'<script src="/static/js/pwa\.js" defer data-worker="/sw\.js"', html)


def test_service_worker_is_served_from_the_root_with_its_settings(client, demo):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Service-Worker-Allowed"] == "/"
    body = response.get_data(as_text=True)
    settings = json.loads(re.match(r"self\.PORTAL_SW = (\{.*\});\n", body).group(1))
    assert settings["offline"] == "/ngoai-tuyen" and settings["home"] == "/"
    for url in settings["shell"]:
        shell = client.get(url)
        assert shell.status_code == 200, url
        shell.close()
    assert "addEventListener(\"fetch\"" in body


def test_policy_lets_the_worker_and_manifest_come_from_the_portal_only(client, demo):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "worker-src 'self'" in policy and "manifest-src 'self'" in policy


def test_offline_page_holds_no_personal_data(client, demo):
    login(client, "citizen@demo.vn")
    signed_in = client.get("/ngoai-tuyen")
    assert signed_in.headers["Cache-Control"] == "no-store"  # the worker fetches it without cookies
    anonymous = client.application.test_client().get("/ngoai-tuyen")
    assert anonymous.status_code == 200
    html = anonymous.get_data(as_text=True)
    assert "Bạn đang ngoại tuyến" in html and "data-offline-drafts" in html
    assert "no-store" not in anonymous.headers.get("Cache-Control", "")
    assert "Nguyễn Văn An" not in html


def test_forms_that_keep_a_draft_offline(client, demo):
    login(client, "citizen@demo.vn")
    html = client.get("/thu-tuc/dang-ky-khai-sinh/nop-ho-so").get_data(as_text=True)
    assert "data-offline-draft>" in html and "/static/js/offline-draft.js" in html
    assert 'data-user="%d"' % demo.citizen.id in html
