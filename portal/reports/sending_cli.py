"""`flask reports send --period 2026-11|2026-Q4 [--unit slug]` and `flask reports send-due` (for cron):
the periodic reports to the reporting system (portal/reports/sending.py). Both commit their own work."""
import sys

import click
from sqlalchemy import select

from ..extensions import db
from ..models import Unit
from ..i18n import N_
from ..operations import Invalid


def add_commands(group):
    @group.command("send")
    @click.option("--period", required=True, help="Tháng (2026-11) hoặc quý (2026-Q4) đã kết thúc.")
    @click.option("--unit", "unit_slug", default=None, help="Chỉ một đơn vị (slug); mặc định: mọi đơn vị.")
    def send_command(period, unit_slug):
        """Gửi báo cáo một kỳ tới Hệ thống thông tin báo cáo (phiên bản mới khi số liệu thay đổi)."""
        from .periods import parse_report_period
        from .sending import send_period
        try:
            report_period = parse_report_period(period)
            unit = None
            if unit_slug:
                unit = db.session.execute(select(Unit).where(Unit.slug == unit_slug)).scalar_one_or_none()
                if unit is None:
                    raise Invalid(N_("Không tìm thấy đơn vị."), errors={"unit": [unit_slug]})
            outcomes = send_period(report_period, unit)
        except Invalid as refusal:
            db.session.rollback()
            details = "; ".join(m for messages in refusal.errors.values() for m in messages)
            click.echo(f"{refusal.message} {details}".strip(), err=True)
            sys.exit(2)
        db.session.commit()
        _print(outcomes)

    @group.command("send-due")
    def send_due_command():
        """Gửi báo cáo các kỳ đã kết thúc mà đơn vị chưa gửi (chạy hằng ngày, ví dụ từ cron)."""
        from .sending import send_due
        outcomes = send_due()
        db.session.commit()
        _print(outcomes)
        if not outcomes:
            click.echo("nothing due")


def _print(outcomes):
    for outcome in outcomes:
        submission = outcome.submission
        state = "queued" if outcome.created else "unchanged"
        click.echo(f"{outcome.period.code} {outcome.unit.slug}: version {submission.version} {state}"
                   f" (outbox message {submission.outbox_message_id})")
