"""Reports and the staff inbox at volume: every report and inbox query must answer within 1 s.

    python bench/reports.py [--applications 1000000] [--keep DIR]

Loads N generated applications (`flask --app portal demo generate`) into a fresh SQLite file and, when
DATABASE_URL is set, into that PostgreSQL database too (its `public` schema is dropped and rebuilt
from the migrations, as the test suite does), then times each report (whole portal, province,
district and commune; last month, month to date, last quarter, last twelve months) and each staff
inbox (first 50 rows). Figures are printed with a baseline measured in the same run on the same
database, `SELECT count(*) FROM applications`, and as ratios to it.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

LIMIT_SECONDS = 1.0


def timed(func, repeat=3):
    """The best of `repeat` runs after a first (cold) one; both are reported."""
    began = time.perf_counter()
    result = func()
    cold = time.perf_counter() - began
    runs = []
    for _ in range(repeat):
        began = time.perf_counter()
        func()
        runs.append(time.perf_counter() - began)
    return cold, min(runs), statistics.median(runs), result


def build(database_url, instance, count):
    from flask_migrate import upgrade
    import sqlalchemy as sa

    from config import TestConfig
    from portal import create_app
    from portal.extensions import db

    config = TestConfig(instance, database_url)
    config.TESTING = False
    app = create_app(config)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public"))
        upgrade()
        from portal.admin.demo_volume import generate
        from portal.operations.catalogue import load_catalogue
        from portal.operations.seed import seed_demo
        load_catalogue()
        seed_demo(config.DEMO_PASSWORD)
        db.session.commit()
        began = time.perf_counter()
        last = [0.0]

        def progress(done, total):
            if time.perf_counter() - last[0] > 15:
                last[0] = time.perf_counter()
                print(f"  … {done:,}/{total:,} ({time.perf_counter() - began:.0f} s)", flush=True)
        totals = generate(count, progress=progress)
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text("VACUUM ANALYZE"))
        else:
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
        print(f"  loaded {totals['applications']:,} applications, {totals['events']:,} events, "
              f"{totals['ratings']:,} ratings in {time.perf_counter() - began:.0f} s", flush=True)
    return app


def measure(app):
    import sqlalchemy as sa
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import Application, Unit, User
    from portal.operations.inbox import applications_for
    from portal.reports.metrics import Period, build_report
    from portal.timeutil import vn_today

    failures = []
    with app.app_context():
        cold, best, median, total = timed(
            lambda: db.session.execute(sa.text("SELECT count(*) FROM applications")).scalar())
        baseline = best
        print(f"  baseline SELECT count(*) FROM applications ({total:,} rows): {best * 1000:.1f} ms")
        today = vn_today()
        first_of_month = today.replace(day=1)
        previous_last = first_of_month - timedelta(days=1)
        periods = {
            "last month": Period.month(previous_last.year, previous_last.month),
            "month to date": Period(first_of_month, today),
            "last quarter": Period(previous_last.replace(day=1) - timedelta(days=62), previous_last),
            "last 12 months": Period(today - timedelta(days=365), today),
        }
        units = {u.slug: u for u in db.session.execute(select(Unit)).scalars()}
        scopes = {"whole portal": None, "province vinh-phuc": units["vinh-phuc"],
                  "district yen-lac": units["yen-lac"], "commune tam-hong": units["tam-hong"]}
        print(f"  {'query':58} {'cold ms':>9} {'best ms':>9} {'× baseline':>11}")
        for scope_name, unit in scopes.items():
            for period_name, period in periods.items():
                cold, best, median, report = timed(lambda: build_report(unit, period))
                label = f"report {scope_name}, {period_name} ({report.total.received:,} received)"
                _line(label, cold, best, baseline, failures)
        busiest = db.session.execute(
            select(Application.current_unit_id, sa.func.count()).group_by(Application.current_unit_id)
            .order_by(sa.func.count().desc()).limit(1)).first()
        for role in ("receiver", "handler", "leader"):
            user = db.session.execute(select(User).where(User.kind == "staff", User.role == role,
                                                         User.unit_id == busiest[0])).scalars().first()
            if user is None:
                continue
            cold, best, median, rows = timed(
                lambda: db.session.execute(applications_for(user).limit(50)).scalars().all())
            _line(f"inbox {role} at {user.unit.slug} (first {len(rows)} rows)", cold, best, baseline,
                  failures)
            db.session.expunge_all()
    return failures


def _line(label, cold, best, baseline, failures):
    worst = max(cold, best)
    verdict = "ok" if worst <= LIMIT_SECONDS else "TOO SLOW"
    if worst > LIMIT_SECONDS:
        failures.append(label)
    print(f"  {label:58} {cold * 1000:9.1f} {best * 1000:9.1f} {best / baseline:11.1f}  {verdict}",
          flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=1_000_000)
    parser.add_argument("--keep", help="build the SQLite database in this folder and keep it")
    args = parser.parse_args()
    failures = []
    targets = [("sqlite", None)]
    if os.environ.get("DATABASE_URL"):
        targets.append(("postgresql", os.environ["DATABASE_URL"]))
    for name, url in targets:
        with tempfile.TemporaryDirectory(prefix="dvc-bench-") as tmp:
            instance = Path(args.keep or tmp)
            instance.mkdir(parents=True, exist_ok=True)
            if url is None:
                url = f"sqlite:///{instance / 'bench.db'}"
                (instance / "bench.db").unlink(missing_ok=True)
            else:
                from config import TestConfig
                url = TestConfig(instance, url).SQLALCHEMY_DATABASE_URI
            print(f"{name}: {args.applications:,} applications", flush=True)
            app = build(url, instance, args.applications)
            failures += [f"{name}: {label}" for label in measure(app)]
            from portal.extensions import db
            with app.app_context():
                db.engine.dispose()
    if failures:
        print("slower than 1 s:\n  " + "\n  ".join(failures))
        sys.exit(1)
    print(f"every report and inbox answered within {LIMIT_SECONDS:.0f} s")


if __name__ == "__main__":
    main()
