"""`flask --app portal national reconcile [--dry-run] [--since YYYY-MM-DD] [--code CODE ...]`: what the national
portal holds for each application against the portal's own state; the differences are sent again through the
outbox (delivered after the command commits). With --dry-run it only lists them."""
from datetime import datetime, timezone

import click
from flask.cli import AppGroup


def register(app):
    national = AppGroup("national", help="Kết nối Cổng Dịch vụ công quốc gia.")

    @national.command("reconcile")
    @click.option("--dry-run", is_flag=True, help="Chỉ liệt kê chênh lệch, không gửi lại.")
    @click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                  help="Chỉ đối chiếu hồ sơ thay đổi từ ngày này.")
    @click.option("--code", "codes", multiple=True, help="Chỉ đối chiếu hồ sơ có mã này (lặp lại được).")
    def reconcile_command(dry_run, since, codes):
        """Đối chiếu trạng thái hồ sơ với Cổng DVCQG và gửi lại phần chênh lệch."""
        from .reconcile import reconcile
        summary = reconcile(since=since.replace(tzinfo=timezone.utc) if isinstance(since, datetime) else None,
                            codes=codes, dry_run=dry_run)
        for line in summary.lines:
            click.echo(line)
        click.echo(summary.text(dry_run))

    app.cli.add_command(national)
