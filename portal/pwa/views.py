"""/manifest.webmanifest, /sw.js and /ngoai-tuyen (the offline page).

The service worker's script is portal/static/js/sw.js with its settings prepended: the URLs it keeps for
offline use and a version that changes whenever a static file does, so that a new deployment installs a
new worker, which drops the old caches."""
import hashlib
import json
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, url_for

bp = Blueprint("pwa", __name__)

STATIC = Path(__file__).resolve().parents[1] / "static"
THEME_COLOUR = "#a3171c"  # --portal-red in portal.css
NAME = "Dịch vụ công trực tuyến"  # the manifest's `lang` is vi: its texts are Vietnamese, whatever the page's
SHORT_NAME = "Dịch vụ công"
ICONS = (("icons/icon-192.png", "192x192", "any"), ("icons/icon-512.png", "512x512", "any"),
         ("icons/icon-maskable-512.png", "512x512", "maskable"))
# The files of the shell (what every page loads); pages themselves are kept only as the network answers them.
SHELL_STATIC = ("portal.css", "js/pwa.js", "js/offline-draft.js", "icons/icon-192.png")
SHELL_BOOTSTRAP = ("css/bootstrap.min.css", "js/bootstrap.min.js", "umd/popper.min.js")


def manifest_document() -> dict:
    return {
        "id": "/",
        "name": NAME,
        "short_name": SHORT_NAME,
        "description": "Cổng Dịch vụ công tỉnh Vĩnh Phúc: tìm thủ tục, nộp và theo dõi hồ sơ trực tuyến.",
        "lang": "vi",
        "dir": "ltr",
        "start_url": url_for("public.home"),
        "scope": "/",
        "display": "standalone",
        "orientation": "any",
        "theme_color": THEME_COLOUR,
        "background_color": "#ffffff",
        "categories": ["government"],
        "icons": [{"src": url_for("static", filename=path), "sizes": sizes, "type": "image/png",
                   "purpose": purpose} for path, sizes, purpose in ICONS],
    }


@bp.get("/manifest.webmanifest")
def manifest():
    body = json.dumps(manifest_document(), ensure_ascii=False, indent=1)
    response = Response(body, mimetype="application/manifest+json")
    response.cache_control.max_age = 3600
    response.cache_control.public = True
    return response


def _static_version() -> str:
    """A digest of every static file (read once per process: they change only with a deployment)."""
    cached = current_app.extensions.get("pwa_static_version")
    if cached is None:
        digest = hashlib.sha256()
        for path in sorted(p for p in STATIC.rglob("*") if p.is_file()):
            digest.update(path.relative_to(STATIC).as_posix().encode())
            digest.update(path.read_bytes())
        cached = current_app.extensions["pwa_static_version"] = digest.hexdigest()[:16]
    return cached


def worker_settings() -> dict:
    shell = [url_for("static", filename=name) for name in SHELL_STATIC]
    shell += [url_for("bootstrap.static", filename=name) for name in SHELL_BOOTSTRAP]
    return {
        "version": _static_version(),
        "offline": url_for("pwa.offline"),
        "home": url_for("public.home"),
        "shell": shell,
        "assetPrefixes": [url_for("static", filename=""), url_for("bootstrap.static", filename="")],
    }


@bp.get("/sw.js")
def service_worker():
    script = (STATIC / "js" / "sw.js").read_text(encoding="utf-8")
    body = f"self.PORTAL_SW = {json.dumps(worker_settings())};\n{script}"
    response = Response(body, mimetype="text/javascript")
    # Always asked again: a new version of the worker must reach every phone at its next visit.
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/ngoai-tuyen")
def offline():
    """The page the worker shows for a page it cannot fetch. The worker stores it without cookies: it
    holds no personal data, the list of drafts saved on the phone is drawn by pwa.js from the phone."""
    return render_template("pwa/offline.html")
