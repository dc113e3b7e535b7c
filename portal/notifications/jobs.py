"""The job queue: jobs run inline when REDIS_URL is unset (one machine, nothing to set up) and go to the RQ
queue `dvc` when it is set (`make worker` runs `rq worker --url $REDIS_URL dvc`).

A job is a module-level function named by its import path and given plain data only: the worker is another
process with no database session and no Flask request, so an ORM object could not travel there (and would
be stale by the time it ran)."""
import importlib
import logging
from datetime import date, datetime

from flask import current_app, has_app_context

log = logging.getLogger(__name__)

QUEUE_NAME = "dvc"
_PLAIN_SCALARS = (str, int, float, bool, type(None), date, datetime, bytes)
_connections = {}


def job_path(func) -> str:
    """`module.function` for a module-level function (what an RQ worker imports), or the path unchanged."""
    if isinstance(func, str):
        return func
    qualified = getattr(func, "__qualname__", "")
    if not qualified or "." in qualified or "<" in qualified:
        raise TypeError(f"a job must be a module-level function, not {func!r}")
    return f"{func.__module__}.{qualified}"


def resolve(path: str):
    module_name, _, name = path.rpartition(".")
    if not module_name:
        raise ValueError(f"job path {path!r} must be 'module.function'")
    return getattr(importlib.import_module(module_name), name)


def check_plain(value, where="argument"):
    """Refuses anything but plain data (ORM rows, sessions, requests cannot be pickled for a worker)."""
    if isinstance(value, _PLAIN_SCALARS):
        return
    if isinstance(value, (list, tuple)):
        for item in value:
            check_plain(item, where)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"job {where}: dictionary keys must be strings, not {key!r}")
            check_plain(item, where)
        return
    raise TypeError(f"job {where}: plain data only (str, numbers, dates, lists, dicts), "
                    f"not {type(value).__name__}")


def redis_url() -> str:
    return current_app.config.get("REDIS_URL", "") if has_app_context() else ""


def queue(url: str):
    """The RQ queue `dvc` on the Redis at `url` (connections are reused within the process)."""
    from redis import Redis
    from rq import Queue
    connection = _connections.get(url)
    if connection is None:
        connection = _connections[url] = Redis.from_url(url)
    return Queue(QUEUE_NAME, connection=connection)


def enqueue(func, *args):
    """Runs `func(*args)` now when REDIS_URL is unset; otherwise queues it for an RQ worker and returns the
    RQ job. `func` is a module-level function or its dotted path."""
    path = job_path(func)
    for arg in args:
        check_plain(arg)
    url = redis_url()
    if not url:
        return resolve(path)(*args)
    from rq import Retry
    # A mail server that is briefly down should not lose the message; a worker retries it.
    job = queue(url).enqueue(path, *args, retry=Retry(max=3))
    log.info("queued %s as job %s", path, job.id)
    return job
