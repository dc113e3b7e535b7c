"""Request-level defences installed by create_app: where a redirect after sign-in may go, ids in URLs that
fit the database's BIGINT, and which proxy may tell us the client's address and scheme."""
from urllib.parse import urlsplit

from werkzeug.exceptions import NotFound
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

# The primary keys are INTEGER columns: PostgreSQL refuses anything past 2^31 - 1 with an error (a 500),
# so the URL converter stops there on every database: a larger id in a URL is simply not found.
MAX_ID = 2 ** 31 - 1


def safe_next(target) -> str | None:
    """`target` when it is a path on this site, else None. Browsers ignore tabs and newlines inside URLs and
    read a backslash as a slash, so "/\t/evil.example" is "//evil.example": any control character,
    whitespace or backslash refuses the target, and so does anything with a scheme or a host."""
    if not isinstance(target, str) or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` everywhere: ASCII digits, at most MAX_ID, so /ho-so/99999999999999999999 is a 404."""

    regex = r"[0-9]+"

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)  # also what the OpenAPI document declares
        super().__init__(map, *args, **kwargs)

    def to_python(self, value: str):
        # NotFound rather than werkzeug's ValidationError: with the latter, a PATCH to a huge id would be
        # answered 405 because the GET rule of the same path was seen first.
        if len(value.lstrip("0")) > len(str(MAX_ID)) or int(value) > MAX_ID:
            raise NotFound()
        return super().to_python(value)


def install_converters(app) -> None:
    """Must run before any blueprint is registered: rules pick their converter when they are added."""
    app.url_map.converters["int"] = BoundedIntConverter


def install_proxy_fix(app) -> None:
    """X-Forwarded-For/-Proto/-Host are believed only when the deployment says how many proxies sit in
    front (PROXY_FIX_X_FOR etc., 0 by default): otherwise any client could pick its own address and escape
    the per-address limits. The proxies themselves must be the only way in (see README, "Nhiều máy chủ")."""
    hops = {name: int(app.config.get(f"PROXY_FIX_X_{name.upper()}", 0) or 0)
            for name in ("for", "proto", "host", "port", "prefix")}
    if any(hops.values()):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops["for"], x_proto=hops["proto"], x_host=hops["host"],
                                x_port=hops["port"], x_prefix=hops["prefix"])
