"""Command-line tasks: `flask --app portal seed-demo`, `services load|check`, `workflows check|load`, `calendar due`."""
import sys
from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.exc import OperationalError, ProgrammingError

from services import ServiceError
from workflows.engine import check_definitions, load_definitions

from .extensions import db


def _refusal(error) -> str:
    """file, key and reason of a refused service file (a ServiceError), or the publishing refusal's text."""
    if isinstance(error, ServiceError):
        return f"file={error.file} key={error.key} reason={error.reason}"
    return str(getattr(error, "message", error))


def register(app):
    @app.cli.command("seed-demo")
    @click.option("--two-level", "two_level", is_flag=True,
                  help="Tỉnh theo mô hình chính quyền hai cấp (2025): tỉnh, xã/phường và một sở.")
    def seed_demo_command(two_level):
        """Đơn vị và tài khoản mẫu (chạy lại không thay đổi gì)."""
        from .operations.catalogue import load_catalogue
        from .operations.seed import seed_demo
        load_catalogue()
        created = seed_demo(current_app.config["DEMO_PASSWORD"], two_level=two_level)
        db.session.commit()
        click.echo(f"Demo data: {created['units']} units and {created['users']} accounts created"
                   f"{', ' + str(created['routes']) + ' routes' if two_level else ''}.")

    services = AppGroup("services", help="Danh mục thủ tục.")

    @services.command("load")
    @click.option("--dir", "directory", default=None, help="Thư mục chứa *.toml (mặc định SERVICES_DIR).")
    @click.option("--strict", is_flag=True,
                  help="Kết thúc với mã lỗi 1 nếu có tệp bị từ chối (dùng cho CI).")
    def services_load(directory, strict):
        """Nạp services/*.toml; tệp lỗi bị từ chối và được báo (tệp, khóa, lý do), các tệp khác vẫn được
        nạp để cổng vẫn chạy (`make run`); --strict giữ mã lỗi cho CI."""
        from .operations.catalogue import load_catalogue
        published, unchanged, errors = load_catalogue(directory)
        db.session.commit()
        for version in published:
            click.echo(f"published {version.service.slug} v{version.version}")
        click.echo(f"{len(published)} published, {len(unchanged)} unchanged, {len(errors)} refused")
        for error in errors:
            click.echo(f"refused: {_refusal(error)}", err=True)
        if errors and strict:
            sys.exit(1)

    @services.command("check")
    @click.option("--dir", "directory", default=None, help="Thư mục chứa *.toml (mặc định SERVICES_DIR).")
    def services_check(directory):
        """Báo, theo từng thủ tục, các giá trị mà mẫu kết quả in ra nhưng không trường nào của biểu mẫu
        điền (kết quả sẽ có chỗ trống); mã lỗi 1 nếu có, hoặc nếu có tệp bị từ chối."""
        from services.loader import load_dir
        from services.result_fields import holes
        from .documents.render import jinja_env, template_exists
        definitions, errors = load_dir(directory or current_app.config["SERVICES_DIR"])
        for error in errors:
            click.echo(f"refused: {_refusal(error)}", err=True)
        found = 0
        for definition in definitions:
            name = definition.result.get("template") or ""
            template = name if template_exists(name) else "generic_result"
            problems = holes(definition, jinja_env(), template)
            found += len(problems)
            for problem in problems:
                click.echo(problem.describe(), err=True)
            if not problems:
                click.echo(f"{definition.slug}: {template}: OK")
        click.echo(f"{len(definitions)} services checked, {found} unfilled template value(s), "
                   f"{len(errors)} refused")
        if found or errors:
            sys.exit(1)

    workflows = AppGroup("workflows", help="Quy trình.")

    @workflows.command("check")
    @click.option("--strict", is_flag=True,
                  help="Lỗi cả khi hồ sơ đang mở (vẫn chạy theo phiên bản đã ghim) không đi tiếp được "
                       "theo định nghĩa hiện tại.")
    def workflows_check(strict):
        """Kiểm tra workflows/definitions/*.toml và các hồ sơ đang mở mà thay đổi định nghĩa bỏ lại."""
        directory = current_app.config["WORKFLOWS_DIR"]
        problems = check_definitions(directory)
        for problem in problems:
            click.echo(problem, err=True)
        if problems:
            sys.exit(1)
        from .workflows_registry import stranded_applications
        try:
            stranded = stranded_applications(load_definitions(directory))
        except (OperationalError, ProgrammingError) as error:  # no database, or not migrated yet
            click.echo(f"warning: open applications not checked: {error.orig}", err=True)
            stranded = []
        for item in stranded:
            click.echo(("error: " if item.blocking else "warning: ") + item.describe(), err=True)
        if any(item.blocking or strict for item in stranded):
            sys.exit(1)
        click.echo("workflows: OK" + (f", {len(stranded)} warning(s)" if stranded else ""))

    @workflows.command("load")
    def workflows_load():
        """Ghi phiên bản mới cho mỗi định nghĩa đã thay đổi (hồ sơ mới chạy theo phiên bản mới)."""
        from .workflows_registry import record_versions, reload_workflows
        reload_workflows()
        created, unchanged = record_versions()
        db.session.commit()
        for version in created:
            click.echo(f"recorded {version.name} version {version.id}")
        click.echo(f"{len(created)} recorded, {len(unchanged)} unchanged")

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
