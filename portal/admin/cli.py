"""`flask --app portal demo generate --applications N`: demonstration volume (see demo_volume.py)."""
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
