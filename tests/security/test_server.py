"""The production server's settings: gunicorn.conf.py takes its workers from the CPU count and names no
version; forwarded headers are believed only when PROXY_FIX_X_FOR says how many proxies are in front."""
import multiprocessing
import runpy
from pathlib import Path

from werkzeug.middleware.proxy_fix import ProxyFix

import config
from portal import create_app

PROJECT = Path(__file__).resolve().parents[2]


def test_gunicorn_settings(monkeypatch):
    for name in ("GUNICORN_WORKERS", "GUNICORN_TIMEOUT", "GUNICORN_BIND", "PORT"):
        monkeypatch.delenv(name, raising=False)
    settings = runpy.run_path(str(PROJECT / "gunicorn.conf.py"))
    assert settings["workers"] == multiprocessing.cpu_count() * 2 + 1
    assert settings["timeout"] == 60 and settings["graceful_timeout"] == 30
    assert settings["accesslog"] == "-"
    assert settings["bind"] == "127.0.0.1:5000"
    assert settings["forwarded_allow_ips"] == "127.0.0.1"
    import gunicorn.http.wsgi
    assert gunicorn.http.wsgi.SERVER == "dvc-portal"


def _remote_addr(app, headers):
    seen = {}

    @app.get("/__remote_addr_probe")
    def probe():  # pragma: no cover - only this test's app has it
        from flask import request
        seen["addr"], seen["scheme"] = request.remote_addr, request.scheme
        return ""

    app.test_client().get("/__remote_addr_probe", headers=headers, environ_base={"REMOTE_ADDR": "10.0.0.5"})
    return seen["addr"], seen["scheme"]


FORWARDED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}


def test_forwarded_headers_are_ignored_by_default(tmp_path):
    app = create_app(config.TestConfig(tmp_path))
    assert not isinstance(app.wsgi_app, ProxyFix)
    assert _remote_addr(app, FORWARDED) == ("10.0.0.5", "http")


def test_forwarded_headers_are_believed_behind_a_configured_proxy(tmp_path):
    behind_proxy = config.TestConfig(tmp_path)
    behind_proxy.PROXY_FIX_X_FOR = behind_proxy.PROXY_FIX_X_PROTO = 1
    app = create_app(behind_proxy)
    assert _remote_addr(app, FORWARDED) == ("203.0.113.7", "https")
    # One proxy: only the address it added counts, not what the client wrote before it.
    assert _remote_addr(create_app(behind_proxy), {"X-Forwarded-For": "1.2.3.4, 203.0.113.7"})[0] == "203.0.113.7"
