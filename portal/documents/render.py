"""HTML templates to PDF bytes.

Everything here is process-wide and built once: the Jinja environment, the parsed stylesheet and the
WeasyPrint font configuration (which keeps the @font-face files it has already loaded), so issuing a
document costs one template render and one layout. Contexts are plain dicts; nothing here touches Flask
or the database.
"""
from __future__ import annotations

import threading
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import jinja2
import weasyprint
from weasyprint.text.fonts import FontConfiguration

from ..formatting import format_vnd, vn_date, vn_date_long, vn_datetime
from ..timeutil import to_vn
from .fetcher import ASSET_BASE_URL, AssetOnlyFetcher
from .qr import qr_data_uri

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "templates" / "documents"
STYLESHEET = TEMPLATE_DIR / "document.css"

# Forms (Circular 03/2025/TT-VPCP, Annex I) and the documents the workflow issues, by template name.
FORM_TEMPLATES = ("receipt", "supplement_request", "refusal", "apology", "stop_notice", "control_sheet",
                  "register")
RESULT_TEMPLATES = ("birth_certificate", "death_certificate", "marital_status_certificate", "certified_copy",
                    "household_business_certificate", "building_permit", "generic_result")
OTHER_TEMPLATES = ("denial", "payment_receipt")
ALL_TEMPLATES = FORM_TEMPLATES + RESULT_TEMPLATES + OTHER_TEMPLATES

# Pango and fontconfig objects inside one FontConfiguration are not safe to share between threads.
_render_lock = threading.Lock()


def place_date(place: str, day) -> str:
    return f"{place}, {vn_date_long(day)}" if place else vn_date_long(day)


def time_long(moment) -> str:
    """"14 giờ 05 phút, ngày 27 tháng 11 năm 2026" (Vietnam time), as on the receipt form."""
    if not isinstance(moment, datetime):
        return vn_date_long(moment) if isinstance(moment, date) else ""
    local = to_vn(moment)
    return f"{local.hour:02d} giờ {local.minute:02d} phút, {vn_date_long(local)}"


def date_text(value) -> str:
    """A date typed into a form (ISO text from the JSON column, or a date) as dd/mm/yyyy; other text as is."""
    if isinstance(value, (date, datetime)):
        return vn_date(value)
    if isinstance(value, str):
        try:
            return vn_date(date.fromisoformat(value))
        except ValueError:
            return value
    return "" if value is None else str(value)


def money(value) -> str:
    if value in (None, ""):
        return ""
    try:
        return format_vnd(int(value))
    except (TypeError, ValueError):
        return str(value)


def pick(data, *keys):
    """The first non-empty value among `keys`: services name their fields, templates accept the usual
    names."""
    if not isinstance(data, dict):
        return ""
    for key in keys:
        value = data.get(key)
        if value not in (None, "", []):
            return ", ".join(map(str, value)) if isinstance(value, list) else value
    return ""


@lru_cache(maxsize=1)
def jinja_env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        # Every value typed by a citizen or an officer prints as text, markup included.
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.ChainableUndefined,
    )
    env.filters.update(date_long=vn_date_long, vn_date=vn_date, vn_datetime=vn_datetime, vnd=format_vnd,
                       place_date=place_date, time_long=time_long,
                       date_text=date_text, money=money)
    env.globals["pick"] = pick
    return env


def template_exists(name: str) -> bool:
    """Whether a document template of that name ships with the portal (names come from service files, so
    anything that is not a plain identifier is treated as absent rather than looked up on disk)."""
    if not name or not name.replace("_", "").isalnum() or name.startswith("_"):
        return False
    return (TEMPLATE_DIR / f"{name}.html").is_file()


@lru_cache(maxsize=1)
def font_config() -> FontConfiguration:
    return FontConfiguration()


@lru_cache(maxsize=1)
def fetcher() -> AssetOnlyFetcher:
    return AssetOnlyFetcher()


@lru_cache(maxsize=1)
def stylesheet() -> weasyprint.CSS:
    return weasyprint.CSS(string=STYLESHEET.read_text(encoding="utf-8"), base_url=ASSET_BASE_URL,
                          url_fetcher=fetcher(), font_config=font_config())


def render_html(template: str, context: dict, *, standalone: bool = False) -> str:
    """The filled-in HTML of a document template.

    `context["verification"]` may carry `code` and `url`; the QR code is drawn from the URL here. With
    `standalone` the stylesheet is inlined, so the HTML alone renders the same document anywhere (the
    benchmark's baseline uses that)."""
    if not template_exists(template):
        raise LookupError(f"no document template named {template!r}")
    ctx = dict(context)
    verification = dict(ctx.get("verification") or {})
    if verification.get("url") and not verification.get("qr"):
        verification["qr"] = qr_data_uri(verification["url"])
    ctx["verification"] = verification
    # Result templates read the submitted fields by name as `d`.
    ctx["d"] = dict((ctx.get("application") or {}).get("data") or {})
    ctx["inline_css"] = STYLESHEET.read_text(encoding="utf-8") if standalone else ""
    return jinja_env().get_template(f"{template}.html").render(ctx)


def html_to_pdf(html: str) -> bytes:
    document = weasyprint.HTML(string=html, base_url=ASSET_BASE_URL, url_fetcher=fetcher())
    with _render_lock:
        return document.write_pdf(stylesheets=[stylesheet()], font_config=font_config())


def render_pdf(template: str, context: dict) -> bytes:
    """One document, unsigned. Raises LookupError for an unknown template."""
    return html_to_pdf(render_html(template, context))
