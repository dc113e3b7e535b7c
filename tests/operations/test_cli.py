"""The command-line tasks an operator runs: seed-demo (twice changes nothing), services load, workflows
check, calendar due."""
import shutil

from sqlalchemy import func, select

from portal.models import Service, ServiceVersion, Unit, User


def _counts(db):
    return tuple(db.session.execute(select(func.count()).select_from(model)).scalar()
                 for model in (Unit, User, Service, ServiceVersion))


def test_seed_demo_twice_changes_nothing(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "7 units and 21 accounts created" in first.output
    counts = _counts(db)
    assert counts == (7, 21, 6, 6)
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and "0 units and 0 accounts created" in second.output
    assert _counts(db) == counts
    leader = db.session.execute(select(User).where(User.email == "leader.tam-hong@demo.vn")).scalar_one()
    assert leader.unit.slug == "tam-hong" and leader.role == "leader"


def test_services_load_reports_refused_files_and_keeps_the_others(app, db, tmp_path):
    folder = tmp_path / "services"
    shutil.copytree(app.config["SERVICES_DIR"], folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    (folder / "hong.toml").write_text('code = "1.000001"\nslug = "hong"\nonline_level = 7\n', encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["services", "load", "--dir", str(folder)])
    assert result.exit_code == 0  # the portal still starts (`make run`); --strict fails (CI)
    assert "6 published, 0 unchanged, 1 refused" in result.output
    assert "file=hong.toml key=" in result.output
    strict = app.test_cli_runner().invoke(args=["services", "load", "--strict", "--dir", str(folder)])
    assert strict.exit_code == 1 and "0 published, 6 unchanged, 1 refused" in strict.output
    again = app.test_cli_runner().invoke(args=["services", "load"])
    assert "0 published, 6 unchanged, 0 refused" in again.output and again.exit_code == 0


def test_workflows_check_passes_and_names_a_broken_file(app, tmp_path, monkeypatch):
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["workflows", "check"])
    assert ok.exit_code == 0 and "workflows: OK" in ok.output
    folder = tmp_path / "definitions"
    shutil.copytree(app.config["WORKFLOWS_DIR"], folder)
    text = (folder / "commune.toml").read_text(encoding="utf-8")
    (folder / "commune.toml").write_text(text.replace('to = "result_ready"', 'to = "ket_qua"', 1), encoding="utf-8")
    monkeypatch.setitem(app.config, "WORKFLOWS_DIR", str(folder))
    broken = runner.invoke(args=["workflows", "check"])
    assert broken.exit_code == 1
    assert "commune.toml" in broken.output and "ket_qua" in broken.output


def test_calendar_due_counts_vietnamese_working_days(app, db):
    result = app.test_cli_runner().invoke(args=["calendar", "due", "2027-02-03", "3"])
    assert result.exit_code == 0 and result.output.strip() == "2027-02-15"  # Tết 2027: 4–10 February off
