"""gunicorn settings for the portal (`make serve`, or `gunicorn -c gunicorn.conf.py "portal:create_app()"`).

Every setting can be changed from the environment, so the same file serves one machine and N servers behind
nginx or HAProxy (README.md, "Chạy nhiều máy chủ"). gunicorn itself also reads GUNICORN_CMD_ARGS."""
import logging
import multiprocessing
import os
import sys

import gunicorn.http.wsgi


def _int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '5000')}")
# The classic (2 × cores) + 1 sync workers: requests wait on the database and on argon2, not on Python.
workers = _int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"
# A request slower than this is stuck (a PDF render takes seconds); the worker is replaced.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then so that a slow leak never grows (jitter: not all at once).
# The app is built once in the master and forked: a worker recycled after max_requests starts in milliseconds
# instead of rebuilding the app (create_app takes ~2.5 s of CPU), and the workers share its memory. The portal
# drops the pool it inherits in each child (portal/__init__.py). GUNICORN_PRELOAD=0 builds it per worker.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") != "0"
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
limit_request_line = 8190
limit_request_fields = 100

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")  # "-" is standard output
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Who asked (the client's address once ProxyFix has read X-Forwarded-For), what, the answer, how long (µs).
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(b)s %(D)sus "%(a)s"'

# gunicorn's own reading of X-Forwarded-* (wsgi.url_scheme): only from these addresses. The application
# decides about the client address itself, through werkzeug's ProxyFix (PROXY_FIX_X_FOR in config.py).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# The Server header names the portal, no software or version (gunicorn has no setting for it).
gunicorn.http.wsgi.SERVER = "dvc-portal"

# gunicorn 27's control socket defaults to one path per user (~/.gunicorn/gunicorn.ctl): N servers on one host
# would share it. Off unless GUNICORN_CONTROL_SOCKET names a path for this instance.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET")


def worker_exit(server, worker):
    """A worker that booted and is done (recycled after max_requests, or stopped) leaves at once: its app's
    connections closed (`close_connections`, set by portal.create_app) and the logs flushed, then out without
    tearing the interpreter down. Freeing the portal's few hundred thousand objects one by one took about half
    a second, during which the worker served nothing and gunicorn forked no replacement, since it waits for
    the old process to be gone (bench/submit.py, workers recycled after max_requests: a full submit's p95 went
    from 441 to 264 ms in the round where they were). A worker that failed to boot exits as gunicorn decides,
    so that its exit status still stops the master."""
    if not worker.booted:
        return
    close = getattr(getattr(worker, "wsgi", None), "close_connections", None)
    if close is not None:
        close()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass  # a closed or broken stream: nothing is left to write to it
    os._exit(0)
