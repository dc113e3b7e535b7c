"""What API views share: the bearer-token user and JSON body parsing."""
from functools import wraps

from flask import abort, g, request

from ..i18n import N_
from ..auth.loaders import load_user_from_bearer, principal_from_bearer


def api_user():
    """Only the Authorization header authenticates the API: a browser's session cookie never does, so the
    API needs no CSRF token."""
    if "api_user" not in g:
        g.api_user = load_user_from_bearer(request)
    return g.api_user


def api_principal():
    """Who the token speaks for, enough for the predicates: the account when a view has loaded it, else a
    `Principal` read without the ORM (for views that check access on rows only)."""
    if "api_user" in g:
        return g.api_user
    if "api_principal" not in g:
        g.api_principal = principal_from_bearer(request)
    return g.api_principal


def _signed_by(caller):
    """A view decorator: 401 unless `caller()` names who the bearer token speaks for."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if caller() is None:
                abort(401)
            return view(*args, **kwargs)
        return wrapped
    return decorator


token_required = _signed_by(api_user)  # the view uses the account (api_user())
principal_required = _signed_by(api_principal)  # the view checks access on rows only (api_principal())


def load_body(schema, data: dict | None = None) -> dict:
    """The JSON body (or `data`) checked and loaded by a marshmallow schema; field errors become a 422
    problem with `errors` by field."""
    from marshmallow import ValidationError
    from ..operations import Invalid
    data = json_body() if data is None else data
    try:
        return schema.load(data)  # one pass: validate() would deserialize everything a first time
    except ValidationError as error:
        errors = error.normalized_messages()
        raise Invalid(N_("Dữ liệu không hợp lệ."),
                      errors={k: v if isinstance(v, list) else [str(v)] for k, v in errors.items()}) from None


def json_body() -> dict:
    if not request.mimetype or request.mimetype != "application/json":
        abort(415, N_("Cần gửi dữ liệu dạng application/json."))
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(400, "Nội dung JSON không hợp lệ.")
    return data
