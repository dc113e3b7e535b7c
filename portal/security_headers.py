"""Security headers on every response: a Content-Security-Policy that runs only the portal's own scripts
(inline ones need this request's nonce), HSTS when the portal is served over HTTPS, a Permissions-Policy
that turns off what the portal never uses, no caching of pages a signed-in person sees, and a Server header
that names no software version.

Responses that set their own CSP (attachments and issued documents: "default-src 'none'; sandbox") keep it."""
import secrets

from flask import g, request
from flask_login import current_user
from werkzeug.serving import WSGIRequestHandler

SERVER_NAME = "dvc-portal"
PERMISSIONS_POLICY = ("camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
                      "accelerometer=(), gyroscope=(), magnetometer=(), interest-cohort=()")
HSTS = "max-age=31536000; includeSubDomains"
_EVERY_RESPONSE = (("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"),
                   ("Referrer-Policy", "same-origin"), ("Permissions-Policy", PERMISSIONS_POLICY),
                   ("Cross-Origin-Opener-Policy", "same-origin"))


def csp_nonce() -> str:
    """One nonce per request, for `<script nonce="{{ csp_nonce() }}">` and `<style nonce=…>`."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def content_security_policy(nonce: str) -> str:
    return "; ".join((
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        f"style-src 'self' 'nonce-{nonce}'",
        "img-src 'self' data:",  # Bootstrap's CSS draws its icons from data: URLs
        "font-src 'self'",
        "connect-src 'self'",
        # Said outright rather than left to the default-src fallback: the installable app's service worker
        # (/sw.js) and manifest are the portal's own files, nothing else may be either.
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
    ))


def _signed_in() -> bool:
    try:
        return bool(current_user and current_user.is_authenticated)
    except Exception:  # noqa: BLE001  (a response built before the user could be loaded: treat as anonymous)
        return False


def _server_name(handler) -> str:
    return SERVER_NAME


def install_security_headers(app) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def add_security_headers(response):
        headers = response.headers
        # One pass over what the response already has (attachments bring their own CSP): a setdefault each
        # walked the list again.
        present = {key.lower() for key in headers.keys()}
        missing = [(name, value) for name, value in _EVERY_RESPONSE if name.lower() not in present]
        if "content-security-policy" not in present:
            missing.append(("Content-Security-Policy", content_security_policy(csp_nonce())))
        secure = app.config.get("SESSION_COOKIE_SECURE") or request.is_secure
        if secure and "strict-transport-security" not in present:
            missing.append(("Strict-Transport-Security", HSTS))
        headers.extend(missing)
        # The header first: for an API call, asking Flask-Login would load the token's user a second time.
        if request.headers.get("Authorization") or _signed_in():
            # Whatever a signed-in person sees is theirs: no shared cache or back-button copy keeps it.
            headers["Cache-Control"] = "no-store"
            headers["Pragma"] = "no-cache"
            response.vary.add("Cookie")
        return response

    # The Server header is written by the HTTP server, not by the application: gunicorn's is set in
    # gunicorn.conf.py, the development server's ("Werkzeug/x Python/y") here.
    WSGIRequestHandler.version_string = _server_name
