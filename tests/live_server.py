"""The portal served over real HTTP in a thread, for what crosses a network: the sandbox gateway calls the
merchant's IPN URL server to server."""
import threading
from contextlib import contextmanager

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
