"""`flask --app portal pki init-dev`: a development CA and one signing certificate per unit, under PKI_DIR.
`flask --app portal documents preview TEMPLATE OUT.pdf`: a template filled with sample data, for designers."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from ..extensions import db
from ..models import Unit
from . import keys
from .pki import UnitIdentity, init_dev
from .render import ALL_TEMPLATES, render_pdf
from .samples import sample_context


def register(app):
    pki = AppGroup("pki", help="Khóa và chứng thư số ký văn bản.")

    @pki.command("init-dev")
    def init_dev_command():
        """CA phát triển và chứng thư số cho mỗi đơn vị (chạy lại không thay đổi khóa đã có)."""
        if current_app.config.get("PKI_P12_PATHS"):
            click.echo("PKI_P12_PATHS is set: production keys are used; development keys are made anyway "
                       "for units without one.", err=True)
        units = db.session.execute(select(Unit).order_by(Unit.id)).scalars().all()
        result = init_dev(current_app.config["PKI_DIR"], [UnitIdentity(u.slug, u.name) for u in units])
        keys.forget()
        click.echo(f"CA: {result['ca']}")
        click.echo(f"{len(result['created'])} unit certificates created, {len(result['kept'])} kept.")

    documents = AppGroup("documents", help="Văn bản, giấy tờ.")

    @documents.command("preview")
    @click.argument("template", type=click.Choice(ALL_TEMPLATES))
    @click.argument("output", type=click.Path(dir_okay=False, writable=True))
    def preview_command(template, output):
        """Xem trước một mẫu văn bản với dữ liệu mẫu (không ký, không lưu)."""
        with open(output, "wb") as fh:
            fh.write(render_pdf(template, sample_context(template)))
        click.echo(output)

    app.cli.add_command(pki)
    app.cli.add_command(documents)
