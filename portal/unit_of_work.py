"""What must happen only if the request's transaction commits: files written during a rolled-back
transaction are deleted (a refused request leaves no stray file), and jobs such as e-mails are queued only
after the commit (nobody is told about a change that did not happen)."""
import logging
import os

from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)


def track_new_file(session, path):
    session.info.setdefault("new_files", []).append(str(path))


def after_commit(session, func, *args, **kwargs):
    session.info.setdefault("after_commit", []).append((func, args, kwargs))


@event.listens_for(Session, "after_commit")
def _committed(session):
    session.info.pop("new_files", None)
    callbacks = session.info.pop("after_commit", [])
    for func, args, kwargs in callbacks:
        try:
            func(*args, **kwargs)
        except Exception:  # the change is committed; a failed notification must not undo the response
            log.exception("after-commit task %s failed", getattr(func, "__name__", func))


@event.listens_for(Session, "after_transaction_end")
def _ended(session, transaction):
    if transaction.parent is not None:
        return
    # Reached without a commit clearing the lists: the transaction was rolled back.
    for path in session.info.pop("new_files", []):
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
    session.info.pop("after_commit", None)
