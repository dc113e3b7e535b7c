"""`flask --app portal sla sweep`: the deadline sweep, for cron."""
from datetime import date

import click
from flask.cli import AppGroup

from ..extensions import db


def register(app):
    sla = AppGroup("sla", help="Theo dõi thời hạn giải quyết hồ sơ.")

    @sla.command("sweep")
    @click.option("--day", "day", default=None, metavar="YYYY-MM-DD",
                  help="Ngày (giờ Việt Nam) coi là hôm nay; mặc định là hôm nay.")
    def sweep_command(day):
        """Đánh dấu hồ sơ quá hạn và gửi thư cho lãnh đạo đơn vị (chạy lại trong ngày không gửi lại)."""
        from .sla import sweep
        try:
            today = date.fromisoformat(day) if day else None
        except ValueError:
            raise click.BadParameter("định dạng YYYY-MM-DD", param_hint="--day") from None
        report = sweep(today)
        db.session.commit()
        click.echo(f"sla {report.day.isoformat()}: {len(report.flagged)} newly overdue, "
                   f"{report.emails} e-mail(s) to {len(report.notified)} unit(s), "
                   f"{len(report.already_notified)} unit(s) already notified today")
        for digest in report.without_leader:
            click.echo(f"warning: {digest.unit.slug} has no active leader to notify", err=True)

    app.cli.add_command(sla)
