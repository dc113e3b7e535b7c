"""The ratings blueprints join the session app before its first request, until portal/registry.py lists
them (then this hook finds them registered and does nothing)."""
from tests.conftest import SESSION_HOOKS


def _register_ratings(app):
    from portal.api import api
    if "ratings" not in app.blueprints:
        from portal.ratings.views import bp
        app.register_blueprint(bp)
    if "ratings_api" not in app.blueprints:
        from portal.ratings.api import blp
        api.register_blueprint(blp)


if _register_ratings not in SESSION_HOOKS:
    SESSION_HOOKS.append(_register_ratings)
