"""The portal served over real HTTP in a thread, for what crosses a network: the sandbox gateway calls the
merchant's IPN URL server to server."""
import os
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server


@contextmanager
def serve(wsgi_app):
    """Serves `wsgi_app` on 127.0.0.1 and a free port; yields the base URL (no trailing slash)."""
    server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="test-http-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


PROJECT = Path(__file__).resolve().parents[1]
SERVER = """
from werkzeug.serving import make_server
from portal import create_app
server = make_server("127.0.0.1", 0, create_app(), threaded=True)
print(server.server_port, flush=True)
server.serve_forever()
"""


@contextmanager
def limited_portal(app, tmp_path, **settings):
    """A portal with rate limits on, in a subprocess on the test database (the limiter is one object per
    process and the test app runs with limits off); yields its port. `settings` are environment variables."""
    env = dict(os.environ, INSTANCE_PATH=str(tmp_path / "instance"),
               DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], RATELIMIT_ENABLED="1",
               RATELIMIT_STORAGE_URI="memory://", REDIS_URL="", **settings)
    process = subprocess.Popen([sys.executable, "-c", SERVER], cwd=PROJECT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        assert line.strip().isdigit(), process.stderr.read()[-3000:] if process.poll() is not None else line
        yield int(line)
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()
        process.stderr.close()


GUNICORN_PORTS = range(5880, 5900)


def _free_gunicorn_port() -> int:
    for port in GUNICORN_PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    pytest.skip("no free port in 5880-5899")


@contextmanager
def gunicorn_portal(app, tmp_path, **settings):
    """The portal under gunicorn (gunicorn.conf.py, as `make serve` runs it) on the test database and a port of
    5880-5899, once the port is bound; yields (port, process). `settings` are environment variables. The
    process's standard error (gunicorn's log) is in tmp_path/gunicorn.log once the block ends."""
    port = _free_gunicorn_port()
    env = dict(os.environ, INSTANCE_PATH=str(tmp_path / "instance"),
               DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], REDIS_URL="", GUNICORN_WORKERS="1",
               PORT=str(port), GUNICORN_ACCESS_LOG=str(tmp_path / "access.log"), **settings)
    with open(tmp_path / "gunicorn.log", "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                                    "portal:create_app()"], cwd=PROJECT, env=env, stdout=subprocess.DEVNULL,
                                   stderr=log)
        try:
            deadline = time.monotonic() + 120
            while True:
                with socket.socket() as probe:
                    if probe.connect_ex(("127.0.0.1", port)) == 0:
                        break
                assert process.poll() is None, (tmp_path / "gunicorn.log").read_text()[-3000:]
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
            yield port, process
        finally:
            process.terminate()
            process.wait(timeout=30)
