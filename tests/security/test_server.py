"""The production server's settings: gunicorn.conf.py takes its workers from the CPU count and names no
version; forwarded headers are believed only when PROXY_FIX_X_FOR says how many proxies are in front."""
import http.client
import multiprocessing
import os
import runpy
from pathlib import Path

from werkzeug.middleware.proxy_fix import ProxyFix

import config
from portal import create_app
from tests.live_server import gunicorn_portal

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


SITE_EXIT_MARK = """import atexit, os, pathlib
atexit.register(lambda: (pathlib.Path(os.environ["EXIT_MARKS"]) / str(os.getpid())).touch())
"""


def test_a_recycled_worker_leaves_at_once_with_its_log_written(app, demo, tmp_path):
    """gunicorn.conf.py's worker_exit: a worker recycled after max_requests closes its connections, flushes its
    log and leaves without the interpreter's teardown (which took half a second while no replacement was
    forked). Every Python process here marks its exit through atexit, which the teardown runs: only the master
    may leave a mark."""
    site, marks = tmp_path / "site", tmp_path / "marks"
    site.mkdir(), marks.mkdir()
    (site / "sitecustomize.py").write_text(SITE_EXIT_MARK)
    settings = {"GUNICORN_MAX_REQUESTS": "2", "GUNICORN_MAX_REQUESTS_JITTER": "0", "EXIT_MARKS": str(marks),
                "PYTHONPATH": os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))}
    with gunicorn_portal(app, tmp_path, **settings) as (port, master):
        for _ in range(6):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=180)
            connection.request("GET", "/dang-nhap")
            assert connection.getresponse().status == 200
            connection.close()
    log = (tmp_path / "gunicorn.log").read_text()
    assert log.count("Autorestarting worker after current request") == 3
    assert "Exception during worker exit" not in log and "Traceback" not in log
    assert (tmp_path / "access.log").read_text().count('"GET /dang-nhap HTTP/1.1" 200') == 6
    assert sorted(int(mark.name) for mark in marks.iterdir()) == [master.pid]
