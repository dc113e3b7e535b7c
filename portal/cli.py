"""Command-line tasks: `flask --app portal seed-demo`, `services load`, `workflows check`, `calendar due`."""
import sys
from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup

from workflows.engine import check_definitions

from .extensions import db


def register(app):
    @app.cli.command("seed-demo")
    def seed_demo_command():
        """Đơn vị và tài khoản mẫu (chạy lại không thay đổi gì)."""
        from .operations.catalogue import load_catalogue
        from .operations.seed import seed_demo
        load_catalogue()
        created = seed_demo(current_app.config["DEMO_PASSWORD"])
        db.session.commit()
        click.echo(f"Demo data: {created['units']} units and {created['users']} accounts created.")

    services = AppGroup("services", help="Danh mục thủ tục.")

    @services.command("load")
    @click.option("--dir", "directory", default=None, help="Thư mục chứa *.toml (mặc định SERVICES_DIR).")
    def services_load(directory):
        """Nạp services/*.toml; tệp lỗi bị từ chối, các tệp khác vẫn được nạp."""
        from .operations.catalogue import load_catalogue
        published, unchanged, errors = load_catalogue(directory)
        db.session.commit()
        for version in published:
            click.echo(f"published {version.service.slug} v{version.version}")
        click.echo(f"{len(published)} published, {len(unchanged)} unchanged, {len(errors)} refused")
        for error in errors:
            click.echo(f"refused: {error}", err=True)
        if errors:
            sys.exit(1)

    workflows = AppGroup("workflows", help="Quy trình.")

    @workflows.command("check")
    def workflows_check():
        """Kiểm tra workflows/definitions/*.toml."""
        problems = check_definitions(current_app.config["WORKFLOWS_DIR"])
        for problem in problems:
            click.echo(problem, err=True)
        if problems:
            sys.exit(1)
        click.echo("workflows: OK")

    calendar = AppGroup("calendar", help="Lịch ngày làm việc.")

    @calendar.command("due")
    @click.argument("received", type=click.DateTime(formats=["%Y-%m-%d"]))
    @click.argument("days", type=int)
    def calendar_due(received, days):
        """Ngày hẹn trả: RECEIVED (YYYY-MM-DD) + DAYS ngày làm việc."""
        from .operations.calendar import current_calendar
        click.echo(current_calendar().add_working_days(date(received.year, received.month, received.day),
                                                       days).isoformat())

    for group in (services, workflows, calendar):
        app.cli.add_command(group)
