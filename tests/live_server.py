"""The portal served over real HTTP in a thread, for what crosses a network: the sandbox gateway calls the
merchant's IPN URL server to server."""
import os
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

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
