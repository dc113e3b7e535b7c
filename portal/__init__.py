"""dvc-portal: the Flask application."""
import logging
import os
import weakref
from pathlib import Path

from flask import Flask, has_request_context, request
from flask_login import current_user

from .extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate

PROJECT_DIR = Path(__file__).resolve().parent.parent
log = logging.getLogger(__name__)


def select_locale():
    if not has_request_context():
        return "vi"  # e-mails, documents and CLI output are Vietnamese
    if request.path.startswith("/api/"):
        # API clients say what they read with Accept-Language (problem+json titles and details); without
        # it, or for any other language, Vietnamese, as before.
        return request.accept_languages.best_match(("vi", "en")) or "vi"
    if current_user and current_user.is_authenticated and getattr(current_user, "locale", None) in ("vi", "en"):
        return current_user.locale
    chosen = request.cookies.get("lang")
    if chosen in ("vi", "en"):
        return chosen
    return "vi"  # Vietnamese first, whatever the browser says


def create_app(config=None):
    if config is None:
        from config import Config
        config = Config()
    app = Flask(__name__, template_folder=str(PROJECT_DIR / "templates"),
                instance_path=str(Path(config.INSTANCE_PATH)))
    app.config.from_object(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from .auth.passwords import configure as configure_passwords
    configure_passwords(app.config.get("ARGON2_TIME_COST"), app.config.get("ARGON2_MEMORY_KIB"))

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_DIR / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, default_translation_directories=str(
        Path(__file__).parent / "translations"))
    limiter.init_app(app)
    bootstrap.init_app(app)
    from .i18n import register as register_i18n
    register_i18n(app)

    from . import sqlite_pragmas  # noqa: F401  (WAL and foreign keys on every SQLite connection)
    from . import sqlite_write_lock  # noqa: F401  (SQLite writers take turns without sleeping)
    from .formatting import register_filters
    register_filters(app)

    from .security import install_converters, install_proxy_fix
    install_converters(app)  # before any blueprint: rules pick their converter when added
    from .registry import register_features
    register_features(app)
    from .auth.sessions import install_session_lifetime
    from .security_headers import install_security_headers
    install_session_lifetime(app)
    install_security_headers(app)
    install_proxy_fix(app)
    check_workflows(app)
    _fresh_connections_after_fork(app)
    _close_connections_on_exit(app)
    return app


def _fresh_connections_after_fork(app):
    """gunicorn preloads the app (gunicorn.conf.py) and forks its workers from it: a worker must not share the
    database connections the master opened at start (check_workflows reads the database), so each child drops
    its inherited pool without closing the parent's sockets, as SQLAlchemy advises for multiprocessing."""
    app_ref = weakref.ref(app)  # a handler lives as long as the process: it must not keep a test's app alive

    def drop_inherited_pools():
        forked = app_ref()
        if forked is not None:
            with forked.app_context():
                for engine in db.engines.values():
                    engine.dispose(close=False)
    os.register_at_fork(after_in_child=drop_inherited_pools)


def _close_connections_on_exit(app):
    """What a server worker that is done closes before it leaves (gunicorn.conf.py, worker_exit)."""
    app_ref = weakref.ref(app)

    def close_connections():
        app = app_ref()
        if app is not None:
            with app.app_context():
                for engine in db.engines.values():
                    engine.dispose()
    app.close_connections = close_connections


def check_workflows(app):
    """Refuses to start on workflow definitions the portal could not carry out, rather than failing (or,
    before, silently skipping an effect) when an application reaches that step: the engine's DefinitionError
    for a definition it refuses (an unknown state or effect name), MissingEffectHandler for an effect that no
    module of registry.EFFECT_MODULES registers. Both name the file, the transition and the effect."""
    from .operations.effects import require_handlers
    from .workflows_registry import all_workflows
    with app.app_context():
        require_handlers(all_workflows())
