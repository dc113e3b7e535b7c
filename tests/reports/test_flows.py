"""The daily flows answer exactly what a pass over every application answers, for every scope and period,
and fire() keeps them as a rebuild from scratch would."""
import random
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.models import ReportFlow
from portal.reports import flows
from portal.reports.metrics import Period, cells_by_scan, cells_from_flows, scope_unit_ids
from portal.timeutil import vn_today
from tests.factories import make_application


def _periods(today):
    first_of_month = today.replace(day=1)
    last_month_end = first_of_month - timedelta(days=1)
    periods = [Period(first_of_month, today), Period(last_month_end.replace(day=1), last_month_end),
               Period(today - timedelta(days=91), today), Period(today - timedelta(days=365), today),
               Period(today - timedelta(days=730), today - timedelta(days=400)), Period(today, today)]
    rng = random.Random(7)
    for _ in range(6):
        start = today - timedelta(days=rng.randrange(0, 760))
        periods.append(Period(start, min(today, start + timedelta(days=rng.randrange(0, 200)))))
    return periods


def test_flows_agree_with_a_full_scan_on_two_years_of_generated_applications(app, db, demo):
    from portal.admin.demo_volume import generate
    counts = generate(1500, seed=11)
    assert counts["report_flows"] > 0
    today = vn_today()
    for slug in (None, "vinh-phuc", "yen-lac", "vinh-yen", "tam-hong", "dong-da"):
        unit_ids = scope_unit_ids(demo.unit(slug)) if slug else None
        for period in _periods(today):
            expected = cells_by_scan(period, unit_ids)
            assert cells_from_flows(period, unit_ids) == expected, (slug, period)
    assert sum(f.received for f in cells_by_scan(_periods(today)[3], None).values()) > 500  # a real year


def _table():
    from portal.extensions import db
    rows = db.session.execute(select(ReportFlow.unit_id, ReportFlow.service_id, ReportFlow.day, ReportFlow.kind,
                                     ReportFlow.count).where(ReportFlow.count != 0)).all()
    return sorted(tuple(r) for r in rows)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fire_keeps_the_flows_a_rebuild_would_write(app, db, demo, seed):
    from portal.operations.transitions import available_actions, fire
    from portal.ratings.operations import rate
    rng = random.Random(seed)
    people = [demo.staff(role, "tam-hong") for role in ("receiver", "handler", "leader")] + [demo.citizen]
    applications = [make_application(db, demo.citizen, slug, "tam-hong") for slug in
                    ("dang-ky-khai-sinh", "xac-nhan-tinh-trang-hon-nhan", "chung-thuc-ban-sao-tu-ban-chinh",
                     "dang-ky-khai-sinh", "dang-ky-khai-tu")]
    for _ in range(40):
        application = rng.choice(applications)
        choices = [(person, t) for person in people for t in available_actions(application, person)
                   if t.action not in ("reschedule",)]
        if not choices:
            continue
        person, transition = rng.choice(choices)
        # legal_basis: a refusal cites its provision (form 03); other actions ignore it.
        fire(application, transition.action, person, note="Ghi chú kiểm thử",
             inputs={"legal_basis": "Điều 9 Nghị định số 118/2025/NĐ-CP"})
        db.session.commit()
        if application.state == "completed" and rng.random() < 0.7:
            try:
                rate(application, demo.citizen, rng.choice(["satisfied", "normal", "unsatisfied"]))
                db.session.commit()
            except Exception:
                db.session.rollback()
    kept = _table()
    assert kept, "the random walk changed nothing"
    flows.rebuild()
    db.session.commit()
    assert _table() == kept


def test_the_check_command_compares_and_the_rebuild_command_repairs(app, db, demo):
    make_application(db, demo.citizen)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["reports", "check"]).exit_code == 0
    db.session.execute(ReportFlow.__table__.delete())
    db.session.commit()
    broken = runner.invoke(args=["reports", "check"])
    assert broken.exit_code == 1
    assert runner.invoke(args=["reports", "rebuild"]).exit_code == 0
    assert runner.invoke(args=["reports", "check"]).exit_code == 0
