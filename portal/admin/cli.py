"""`flask --app portal demo generate --applications N`: demonstration volume (see demo_volume.py);
`flask --app portal units two-levels <province> [--successor district=commune ...] [--yes]`: the switch of a
province to two levels, printed as a plan and carried out only with --yes (see two_levels.py)."""
import time

import click
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db


def register(app):
    demo = AppGroup("demo", help="Dữ liệu trình diễn.")

    @demo.command("generate")
    @click.option("--applications", "count", type=click.IntRange(1, 5_000_000), default=10_000,
                  show_default=True,
                  help="Số hồ sơ tạo thêm.")
    @click.option("--years", type=click.FloatRange(0.1, 10), default=2.0, show_default=True,
                  help="Trải đều trong bao nhiêu năm gần đây.")
    @click.option("--seed", type=int, default=2026, show_default=True,
                  help="Hạt giống ngẫu nhiên (tái lập được).")
    def generate_command(count, years, seed):
        """Tạo hồ sơ mẫu kèm nhật ký, ngày hẹn trả theo lịch làm việc và đánh giá."""
        from ..operations.catalogue import load_catalogue
        from ..operations.seed import seed_demo
        from .demo_volume import generate
        load_catalogue()
        seed_demo(current_app.config["DEMO_PASSWORD"])
        db.session.commit()
        began = time.monotonic()

        def progress(done, total):
            click.echo(f"\r{done:,}/{total:,} hồ sơ ({time.monotonic() - began:.0f} s)", nl=False)

        totals = generate(count, years=years, seed=seed, progress=progress)
        click.echo()
        click.echo(f"{totals['applications']:,} applications, {totals['events']:,} events, "
                   f"{totals['ratings']:,} ratings in {time.monotonic() - began:.1f} s")

    app.cli.add_command(demo)
    app.cli.add_command(_units_group())


def _print_plan(plan):
    click.echo(f"Tỉnh: {plan.province.name} ({plan.province.slug})")
    click.echo("Đơn vị cấp xã trực thuộc tỉnh (mã hiện tại -> mã mới):")
    for commune in plan.communes:
        click.echo(f"  {commune.slug}: {commune.code} -> {plan.new_codes[commune.id]}")
    click.echo("Tiếp nhận bàn giao của cấp huyện (hồ sơ nộp tại huyện, cán bộ):")
    for district in plan.districts:
        click.echo(f"  {district.slug} -> {plan.successors[district.id].slug}")
    click.echo("Thủ tục cấp huyện: nơi tiếp nhận -> đơn vị giải quyết:")
    for mapping in plan.mappings:
        pairs = ", ".join(f"{c.slug} -> {d.slug}" for c, d in mapping.deciders)
        click.echo(f"  {mapping.service.service.slug} ({mapping.district.slug}): {pairs}")
    click.echo(f"Hồ sơ đang giải quyết được chuyển: {len(plan.moves)}")
    for move in plan.moves:
        click.echo(f"  #{move.row.id}: tiếp nhận {move.unit.slug}, đang ở {move.current.slug}")


def _units_group():
    from sqlalchemy import select

    from ..models import Unit
    from ..operations import Invalid
    from . import units

    group = AppGroup("units", help="Đơn vị hành chính.")

    @group.command("two-levels")
    @click.argument("province")
    @click.option("--successor", "successors", multiple=True, metavar="HUYEN=XA",
                  help="Xã, phường tiếp nhận hồ sơ và cán bộ của một huyện (mặc định: xã đầu tiên theo tên).")
    @click.option("--note", default="", help="Ghi chú (căn cứ nghị quyết…).")
    @click.option("--yes", is_flag=True, help="Thực hiện phương án (không có: chỉ in phương án).")
    def two_levels_command(province, successors, note, yes):
        """In phương án chuyển tỉnh PROVINCE sang chính quyền hai cấp; --yes để thực hiện."""
        unit = db.session.execute(select(Unit).where(Unit.slug == province)).scalar_one_or_none()
        if unit is None:
            raise click.ClickException(f"Không có đơn vị {province!r}.")
        chosen = dict(item.split("=", 1) for item in successors if "=" in item)
        try:
            _print_plan(units.plan_two_levels(unit, chosen))
            if not yes:
                click.echo("Chưa thực hiện: chạy lại với --yes để xác nhận phương án trên.")
                return
            totals = units.switch_to_two_levels(None, unit, note, chosen)
        except Invalid as exc:
            db.session.rollback()
            raise click.ClickException(exc.message) from None
        db.session.commit()
        click.echo(f"Đã chuyển: {totals['districts']} huyện, {totals['communes']} xã, "
                   f"{totals['applications']} hồ sơ, {totals['staff']} cán bộ.")

    return group
