"""The monthly report as a PDF in the official layout (issuer and national motto header), made by
WeasyPrint through the documents package's renderer (its stylesheet, fonts and safe asset fetcher)."""
from __future__ import annotations

from flask import render_template

from ..context import PORTAL_NAME
from ..documents.render import html_to_pdf
from ..timeutil import vn_today
from .export import COLUMNS


def monthly_pdf(report, signer=None) -> bytes:
    unit = report.unit
    if unit is not None:
        header_lines = [a.name for a in reversed(list(unit.ancestors()))][-1:] + [unit.name]
        place = unit.short_name
    else:
        header_lines = [PORTAL_NAME]
        place = "Vĩnh Phúc"
    html = render_template("reports/monthly_pdf.html", report=report, header_lines=header_lines, place=place,
                           today=vn_today(), columns=COLUMNS, signer=signer)
    return html_to_pdf(html)
