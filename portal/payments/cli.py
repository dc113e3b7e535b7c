"""`flask --app portal payments reconcile`: the payments whose state differs between the portal and the
gateway (asked with querydr). It lists; it changes nothing, so it can run from cron as often as wanted."""
from datetime import timedelta

import click
from flask.cli import AppGroup

from ..extensions import db
from ..timeutil import utcnow


def register(app):
    payments = AppGroup("payments", help="Thanh toán phí, lệ phí.")

    @payments.command("reconcile")
    @click.option("--days", default=90, show_default=True, type=click.IntRange(min=1),
                  help="Đối soát các giao dịch tạo trong chừng ấy ngày gần nhất.")
    def reconcile_command(days):
        """Liệt kê giao dịch có trạng thái khác nhau giữa cổng dịch vụ công và cổng thanh toán."""
        from .operations import reconcile
        differences = reconcile(since=utcnow() - timedelta(days=days))
        db.session.rollback()  # read only: release the read transaction
        for difference in differences:
            click.echo(difference.line())
        click.echo(f"{len(differences)} giao dịch chênh lệch." if differences else "Không có chênh lệch.")

    app.cli.add_command(payments)
