"""Report pages (/bao-cao): the period figures with charts, and their exports (XLSX, CSV, monthly PDF)."""
import re

from flask import Blueprint, abort, make_response, render_template, request
from flask_login import current_user, login_required

from ..i18n import N_, current_language
from ..operations import Invalid
from ..timeutil import vn_today
from . import charts, export, pdf
from .access import report_unit
from .metrics import Period, build_report, parse_period, report_units_for

bp = Blueprint("reports", __name__, url_prefix="/bao-cao")
_MONTH = re.compile(r"(\d{4})-(\d{2})")


def _request_report():
    unit = report_unit(current_user, request.args.get("unit"))
    period = parse_period(request.args.get("from"), request.args.get("to"))
    return build_report(unit, period)


@bp.route("/")
@login_required
def index():
    unit = report_unit(current_user, request.args.get("unit"))
    errors, report = {}, None
    try:
        period = parse_period(request.args.get("from"), request.args.get("to"))
    except Invalid as exc:
        errors = exc.errors
        period = parse_period(None, None)
    else:
        report = build_report(unit, period)
    today = vn_today()
    return render_template("reports/index.html", report=report, unit=unit, errors=errors,
                           units=report_units_for(current_user), period=period,
                           form={k: request.args.get(k, "") for k in ("from", "to")},
                           charts=charts.report_charts(report, current_language()) if report else {},
                           this_month=f"{today.year}-{today.month:02d}")


def _download(body, mimetype, filename):
    response = make_response(body)
    response.mimetype = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _filename(report, extension):
    slug = report.unit.slug if report.unit is not None else "toan-tinh"
    return f"bao-cao-{slug}-{report.period.first.isoformat()}-{report.period.last.isoformat()}.{extension}"


@bp.route("/xuat.xlsx")
@login_required
def export_xlsx():
    report = _request_report()
    return _download(export.to_xlsx(report),
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     _filename(report, "xlsx"))


@bp.route("/xuat.csv")
@login_required
def export_csv():
    report = _request_report()
    response = _download("\ufeff" + export.to_csv(report), "text/csv", _filename(report, "csv"))
    response.charset = "utf-8"
    return response


@bp.route("/thang.pdf")
@login_required
def monthly_pdf():
    unit = report_unit(current_user, request.args.get("unit"))
    match = _MONTH.fullmatch(request.args.get("thang", ""))
    if not match or not 1 <= int(match.group(2)) <= 12 or not 2000 <= int(match.group(1)) <= 2100:
        abort(400, N_("Tháng không hợp lệ (định dạng năm-tháng, ví dụ 2026-03)."))
    period = Period.month(int(match.group(1)), int(match.group(2)))
    if period.first > vn_today():
        abort(400, N_("Tháng báo cáo chưa bắt đầu."))
    if period.last > vn_today():
        period = Period(period.first, vn_today())
    report = build_report(unit, period)
    return _download(pdf.monthly_pdf(report, signer=current_user), "application/pdf", _filename(report,
                                                                                                "pdf"))
