"""`flask --app portal audit verify | proof | verify-proof`: the hash chains checked, a history proof made
and checked."""
import json
import sys

import click
from flask.cli import AppGroup

from ..extensions import db
from ..models import Application


def register(app):
    audit = AppGroup("audit", help="Nhật ký chống sửa đổi (chuỗi băm).")

    @audit.command("verify")
    @click.option("--application", "application_id", type=int, help="Chỉ kiểm tra lịch sử của một hồ sơ.")
    def verify_command(application_id):
        """Kiểm tra chuỗi băm của lịch sử hồ sơ và nhật ký quản trị; có chỗ đứt thì thoát với mã 1."""
        from .verify import all_breaks, application_breaks
        breaks = application_breaks(application_id) if application_id else list(all_breaks())
        for found in breaks:
            click.echo(f"BROKEN {found}", err=True)
        if breaks:
            sys.exit(1)
        click.echo("audit chains intact")

    @audit.command("proof")
    @click.argument("application_id", type=int)
    @click.option("--out", type=click.File("w", encoding="utf-8"), default="-")
    def proof_command(application_id, out):
        """Xuất bằng chứng lịch sử (JSON có chữ ký số của đơn vị) của một hồ sơ."""
        from .proof import build_proof, dumps
        application = db.session.get(Application, application_id)
        if application is None:
            raise click.ClickException(f"no application {application_id}")
        out.write(dumps(build_proof(application)))

    @audit.command("verify-proof")
    @click.argument("proof_file", type=click.File("r", encoding="utf-8"))
    def verify_proof_command(proof_file):
        """Kiểm tra chữ ký và chuỗi băm của một tệp bằng chứng lịch sử; sai thì thoát với mã 1."""
        from .proof import verify_proof
        try:
            proof = json.load(proof_file)
        except ValueError as error:
            raise click.ClickException(f"not JSON: {error}") from None
        problems = verify_proof(proof)
        for problem in problems:
            click.echo(f"INVALID {problem}", err=True)
        if problems:
            sys.exit(1)
        click.echo(f"proof valid: {len(proof['payload']['events'])} events of application "
                   f"{proof['payload']['application']['code']}, signed by {proof['payload']['unit']['slug']}")

    app.cli.add_command(audit)
