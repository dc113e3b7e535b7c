"""`flask --app portal reports rebuild | check`: the daily report flows, recomputed or verified."""
import sys
from datetime import timedelta

import click
from flask.cli import AppGroup

from ..extensions import db
from ..timeutil import vn_today


def register(app):
    reports = AppGroup("reports", help="Báo cáo định kỳ.")

    @reports.command("rebuild")
    def rebuild_command():
        """Tính lại số liệu theo ngày từ toàn bộ hồ sơ (sau khi nạp dữ liệu ngoài hệ thống)."""
        from .flows import rebuild
        rows = rebuild()
        db.session.commit()
        click.echo(f"report flows: {rows} rows")

    @reports.command("check")
    @click.option("--days", default=365, show_default=True, help="Độ dài kỳ kiểm tra, tính đến hôm nay.")
    def check_command(days):
        """So sánh số liệu theo ngày với một lượt đọc toàn bộ hồ sơ; khác nhau thì thoát với mã 1."""
        from .metrics import Period, cells_by_scan, cells_from_flows
        today = vn_today()
        period = Period(today - timedelta(days=days), today)
        scanned, kept = cells_by_scan(period, None), cells_from_flows(period, None)
        differences = sorted(set(scanned) ^ set(kept) | {k for k in set(scanned) & set(kept)
                                                         if scanned[k] != kept[k]})
        for unit_id, service_id in differences:
            click.echo(f"unit {unit_id} service {service_id}: scan {scanned.get((unit_id, service_id))} "
                       f"!= flows {kept.get((unit_id, service_id))}", err=True)
        if differences:
            sys.exit(1)
        click.echo(f"report flows agree with the applications ({period.first} – {period.last})")

    from .sending_cli import add_commands
    add_commands(reports)  # send, send-due: the reporting system
    app.cli.add_command(reports)
