"""One transaction per request, committed in one place.

- `install(app)` wraps the app's view dispatch, as Indico's request handler does: a page view or API call
  that answers below 400 commits once, after the view has returned; an exception, or an answer of 400 or
  more, rolls back. So a refused request leaves no row and no file, and views and API handlers never
  commit or roll back themselves (CLI commands commit their own work).
- What must happen only if the transaction commits: files written during a rolled-back transaction are
  deleted (`track_new_file`: a refused request leaves no stray file), and jobs such as e-mails are queued
  only after the commit (`after_commit`: nobody is told about a change that did not happen).
- A page that shows a refused form again uses `refusal_into(form)`: the refusal undoes the request's
  writes at once (the page then shows the rows as they are) and its messages go beside the fields, or on
  top of the page.
"""
import logging
import os

from flask import flash
from sqlalchemy import event
from sqlalchemy.orm import Session

from .extensions import db
from .operations import Invalid

log = logging.getLogger(__name__)


# -- the request's transaction ----------------------------------------------------------------------

def install(app):
    """Every view of `app` (pages, API, gateway calls) runs inside `_dispatch_in_one_transaction`."""
    dispatch = app.dispatch_request

    def dispatch_in_one_transaction():
        return _dispatch_in_one_transaction(app, dispatch)

    app.dispatch_request = dispatch_in_one_transaction


def _dispatch_in_one_transaction(app, dispatch):
    try:
        response = app.make_response(dispatch())
    except BaseException:
        # The error handlers (portal/api/errors.py) turn it into a page or a problem+json answer; by then
        # nothing of the request is left in the session.
        db.session.rollback()
        raise
    if response.status_code >= 400:
        db.session.rollback()
        return response
    try:
        db.session.commit()  # the request's one commit: its view has returned a successful answer
    except BaseException:
        db.session.rollback()
        raise
    return response


def discard_changes():
    """Undoes what this request wrote so far (rows, and files through `track_new_file`); the request goes
    on, to show a refusal. Only the unit of work and page views that re-render a refused form call it."""
    db.session.rollback()


# -- refusals shown on a page ---------------------------------------------------------------------------

class refusal_into:  # noqa: N801  (used as a context manager, like contextlib's lower-case helpers)
    """Runs an operation for a page; a refusal (an `Invalid`, or the errors given in `catch`) is caught, the
    request's writes are undone, and its messages are put on the form:

        with refusal_into(form) as refused:
            units.create_unit(...)
            flash("Đã tạo đơn vị.", "success")
            return redirect(...)
        return render_template(..., form=form)   # reached only after a refusal (refused.error)

    Errors go beside the fields they name; errors naming no field of the form go to `fallback` (which
    also takes the message when the refusal names no field). What finds no field is `message`, flashed
    with `category` (None: not flashed, the view shows it). `place(form, error)` replaces that placement
    for forms with their own naming of fields; it returns the message left for the top of the page."""

    def __init__(self, form=None, *, fallback: str | None = None, catch=(Invalid,),
                 category: str | None = "danger", place=None):
        self.form = form
        self.fallback = fallback
        self.catch = catch
        self.category = category
        self.place = place
        self.error = None
        self.message = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, traceback):
        if exc is None or not isinstance(exc, self.catch):
            return False
        discard_changes()
        self.error = exc
        if self.place is not None:
            self.message = self.place(self.form, exc)
        elif not place_errors(self.form, exc, self.fallback):
            self.message = _translated(exc.message)
        if self.message and self.category:
            flash(self.message, self.category)
        return True


def place_errors(form, exc, fallback: str | None = None) -> bool:
    """Puts an operation's errors beside the form's fields; True when at least one found its place."""
    if form is None:
        return False
    errors = exc.errors or ({fallback: [exc.message]} if fallback else {})
    placed = False
    for name, messages in errors.items():
        field = _field(form, name) or (_field(form, fallback) if fallback else None)
        if field is None:
            continue
        field.errors = list(field.errors) + [_translated(message) for message in messages]
        placed = True
    return placed


def _field(form, name):
    field = form._fields.get(name) if hasattr(form, "_fields") else None
    return field if field is not None and hasattr(field, "errors") else None


def _translated(message):
    from .i18n import translated
    return translated(message)


# -- what waits for the commit --------------------------------------------------------------------------

def track_new_file(session, path):
    session.info.setdefault("new_files", []).append(str(path))


def after_commit(session, func, *args, **kwargs):
    session.info.setdefault("after_commit", []).append((func, args, kwargs))


@event.listens_for(Session, "after_commit")
def _committed(session):
    if session.in_nested_transaction():
        return  # a SAVEPOINT released (SQLAlchemy calls this hook for those too): the real commit is still to come
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
