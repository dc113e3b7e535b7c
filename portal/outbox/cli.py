"""`flask --app portal outbox send|status|retry|schedule`: deliver what is due (cron, or by hand when no
worker runs), see what waits or failed, queue failed messages again, start the RQ sweep."""
import click
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db


def register(app):
    outbox = AppGroup("outbox", help="Hộp thư đi: tin nhắn gửi tới hệ thống khác (Cổng DVCQG, báo cáo, thư, SMS).")

    @outbox.command("send")
    @click.option("--limit", type=click.IntRange(min=1), default=None, help="Gửi tối đa chừng ấy tin nhắn.")
    def send_command(limit):
        """Gửi các tin nhắn đã đến hạn (kể cả tin gửi lại và tin của tiến trình gửi đã dừng)."""
        from .sender import send_due
        outcome = send_due(limit=limit)
        click.echo(f"Đã gửi {outcome.sent}, sẽ gửi lại {outcome.retried}, thất bại {outcome.failed}.")

    @outbox.command("status")
    def status_command():
        """Số tin nhắn theo nơi nhận và trạng thái, tin chờ lâu nhất, các tin thất bại."""
        from .status import summary, troubled
        figures = summary()
        if not figures.counts:
            click.echo("Hộp thư đi trống.")
        for name in figures.destinations:
            click.echo(f"{name:<12} chờ gửi {figures.count(name, 'pending'):>6}  "
                       f"đã gửi {figures.count(name, 'sent'):>8}  thất bại {figures.count(name, 'failed'):>5}")
        if figures.oldest_pending is not None:
            click.echo(f"Tin chờ lâu nhất: {int(figures.oldest_pending.total_seconds())} giây.")
        if figures.failing:
            click.echo(f"Đang gửi lại sau lỗi: {figures.failing}.")
        for message in troubled():
            click.echo(f"#{message.id} {message.destination} {message.state} {message.key} "
                       f"(lần {message.attempts}): {message.last_error or ''}")
        db.session.rollback()  # read only

    @outbox.command("retry")
    @click.argument("message_id", type=int, required=False)
    @click.option("--all-failed", is_flag=True, help="Gửi lại mọi tin nhắn thất bại.")
    def retry_command(message_id, all_failed):
        """Gửi lại một tin nhắn (theo số) hoặc mọi tin nhắn thất bại."""
        from ..operations import OperationError
        from .status import retry, retry_all_failed
        if (message_id is None) == (not all_failed):
            raise click.UsageError("Cho số tin nhắn, hoặc --all-failed.")
        try:
            if all_failed:
                count = retry_all_failed("flask outbox retry")
            else:
                count = bool(retry(message_id, "flask outbox retry"))
        except OperationError as error:
            db.session.rollback()
            raise click.ClickException(error.message) from None
        db.session.commit()  # then the messages are delivered (inline) or queued (RQ)
        click.echo(f"Đã đưa {int(count)} tin nhắn vào hàng gửi lại.")

    @outbox.command("schedule")
    def schedule_command():
        """Khởi động lượt quét định kỳ trên RQ (khi REDIS_URL được đặt)."""
        if not current_app.config.get("REDIS_URL"):
            raise click.ClickException("REDIS_URL chưa được đặt: hãy chạy `flask outbox send` định kỳ (cron).")
        from .jobs import ensure_sweep
        queued = ensure_sweep(force=True)
        click.echo("Đã xếp lượt quét." if queued else "Lượt quét đang chạy.")

    app.cli.add_command(outbox)
