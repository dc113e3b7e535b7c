"""Reports to the reporting system (issue 12 §4): sent through the outbox, kept by the sandbox version by
version, with the figures of GET /api/v1/reports/summary."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from portal.outbox.models import OutboxMessage
from portal.reports.indicators import INDICATORS, as_summary
from portal.reports.models import ReportSubmission
from portal.reports.periods import ReportPeriod, closed_periods, parse_report_period
from portal.reports.sending import send_due, send_due_job
from portal.timeutil import VN
from tests.factories import api_token
from tests.reports import dataset


@pytest.fixture
def data(db, demo):
    return dataset.build(db, demo)


@pytest.fixture(autouse=True)
def sandbox_store(app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "REPORTING_SANDBOX_STORE", str(tmp_path / "reporting.json"))


def _cli(app, *args):
    result = app.test_cli_runner().invoke(args=["reports", *args])
    assert result.exit_code == 0, result.output
    return result.output


def _held(client, **query):
    response = client.get("/sandbox/reporting/reports", query_string=query)
    assert response.status_code == 200
    return response.get_json()["reports"]


def _summary(client, headers, unit, first, last):
    response = client.get("/api/v1/reports/summary", headers=headers,
                          query_string={"unit": unit, "from": first, "to": last})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _messages(db):
    return db.session.execute(select(OutboxMessage).where(OutboxMessage.destination == "reporting")
                              .order_by(OutboxMessage.id)).scalars().all()


def test_a_month_sent_is_held_with_the_figures_of_the_summary_api(app, client, db, demo, data):
    output = _cli(app, "send", "--period", "2026-03", "--unit", "yen-lac")
    assert "2026-03 yen-lac: version 1 queued" in output
    [report] = _held(client, unit="yen-lac", period="2026-03")
    expected = _summary(client, api_token(client, "admin@demo.vn"), "yen-lac", "2026-03-01", "2026-03-31")
    assert expected == dataset.MARCH_YEN_LAC
    assert as_summary(report["indicators"]) == expected
    assert [item["code"] for item in report["indicators"]] == [i.code for i in INDICATORS]
    totals = {item["code"]: item["value"] for item in report["indicators"]}
    assert (totals["TTHC_TN_TONG"], totals["TTHC_GQ_TONG"], totals["TTHC_DGQ_TONG"]) == (10, 4, 3)
    assert report["version"] == 1 and report["previous_version"] is None
    assert report["unit"]["code"] == demo.unit("yen-lac").code
    assert report["period"] == {"code": "2026-03", "kind": "month", "year": 2026, "number": 3,
                                "from": "2026-03-01", "to": "2026-03-31"}
    [message] = _messages(db)
    assert (message.state, message.ordering_key, message.attempts) == ("sent", "report:yen-lac:2026-03", 1)
    [submission] = db.session.execute(select(ReportSubmission)).scalars().all()
    assert submission.outbox_message_id == message.id and submission.payload == message.payload


def test_sending_twice_makes_one_version(app, client, db, demo, data):
    _cli(app, "send", "--period", "2026-03", "--unit", "yen-lac")
    output = _cli(app, "send", "--period", "2026-03", "--unit", "yen-lac")
    assert "version 1 unchanged" in output
    assert len(_held(client, unit="yen-lac", period="2026-03")) == 1
    assert len(_messages(db)) == 1
    assert db.session.query(ReportSubmission).count() == 1


def test_a_corrected_period_is_sent_as_version_2_beside_version_1(app, client, db, demo, data):
    _cli(app, "send", "--period", "2026-03", "--unit", "yen-lac")
    # The application carried over from February, still open at the end of March, was in fact decided late
    # on 25 March (entered afterwards): the March figures change.
    late = data["carried_open"]
    late.state, late.decided_at, late.completed_at = "completed", dataset.vn(2026, 3, 25), dataset.vn(2026, 3, 26)
    from portal.reports.flows import rebuild
    rebuild()
    db.session.commit()
    assert "version 2 queued" in _cli(app, "send", "--period", "2026-03", "--unit", "yen-lac")
    first, second = _held(client, unit="yen-lac", period="2026-03")
    assert (first["version"], second["version"], second["previous_version"]) == (1, 2, 1)
    assert as_summary(first["indicators"]) == dataset.MARCH_YEN_LAC  # version 1 is kept as it was
    corrected = _summary(client, api_token(client, "admin@demo.vn"), "yen-lac", "2026-03-01", "2026-03-31")
    assert as_summary(second["indicators"]) == corrected
    assert corrected["resolved"]["late"] == 3 and corrected["in_progress"]["overdue"] == 0
    assert [m.state for m in _messages(db)] == ["sent", "sent"]
    versions = db.session.execute(select(ReportSubmission.version, ReportSubmission.previous_version)
                                  .order_by(ReportSubmission.version)).all()
    assert versions == [(1, None), (2, 1)]
    # and the same corrected figures again: still two versions
    assert "version 2 unchanged" in _cli(app, "send", "--period", "2026-03", "--unit", "yen-lac")
    assert len(_held(client, unit="yen-lac", period="2026-03")) == 2


def test_a_quarter_is_sent_with_the_quarter_figures(app, client, db, demo, data):
    _cli(app, "send", "--period", "2026-q1", "--unit", "yen-lac")
    [report] = _held(client, unit="yen-lac", period="2026-Q1")
    assert report["period"] == {"code": "2026-Q1", "kind": "quarter", "year": 2026, "number": 1,
                                "from": "2026-01-01", "to": "2026-03-31"}
    expected = _summary(client, api_token(client, "admin@demo.vn"), "yen-lac", "2026-01-01", "2026-03-31")
    assert as_summary(report["indicators"]) == expected
    assert expected["received"] != dataset.MARCH_YEN_LAC["received"]  # February's applications are in it


def test_every_unit_reports_when_no_unit_is_named(app, client, db, demo, data):
    output = _cli(app, "send", "--period", "2026-03")
    units = {r["unit"]["slug"] for r in _held(client, period="2026-03")}
    from portal.reports.sending import reporting_units
    assert units == {u.slug for u in reporting_units()} >= {"vinh-phuc", "yen-lac", "tam-hong", "dong-van"}
    assert output.count("version 1 queued") == len(units)
    province = next(r for r in _held(client, period="2026-03") if r["unit"]["slug"] == "vinh-phuc")
    assert {i["code"]: i["value"] for i in province["indicators"]}["TTHC_TN_TONG"] == 11  # tich-son too


@pytest.mark.parametrize("period, message", [("2026-13", "Kỳ báo cáo không hợp lệ"),
                                             ("2026-Q5", "Kỳ báo cáo không hợp lệ"),
                                             ("2099-01", "Kỳ báo cáo chưa kết thúc")])
def test_send_refuses_a_bad_or_unfinished_period(app, db, demo, period, message):
    result = app.test_cli_runner().invoke(args=["reports", "send", "--period", period])
    assert result.exit_code == 2 and message in result.output
    assert db.session.query(ReportSubmission).count() == 0 and not _messages(db)


def test_unknown_unit_is_refused(app, db, demo):
    result = app.test_cli_runner().invoke(args=["reports", "send", "--period", "2026-03", "--unit", "khong-co"])
    assert result.exit_code == 2 and "Không tìm thấy đơn vị" in result.output


# -- the schedule ------------------------------------------------------------------------------------------

def test_closed_periods_are_the_months_and_quarters_that_ended():
    assert [p.code for p in closed_periods(date(2026, 4, 2), 3)] == ["2026-01", "2026-02", "2026-03", "2026-Q1"]
    assert [p.code for p in closed_periods(date(2026, 1, 1), 1)] == ["2025-12", "2025-Q4"]
    assert closed_periods(date(2026, 5, 31), 0) == []


def test_the_scheduled_job_sends_only_due_periods_once(app, client, db, demo, data):
    sent = send_due(today=date(2026, 4, 2), months_back=1)
    db.session.commit()
    units = {o.unit.slug for o in sent}
    assert {(o.period.code) for o in sent} == {"2026-03", "2026-Q1"}
    assert len(sent) == 2 * len(units) and "yen-lac" in units
    assert not any(r["period"]["code"].startswith("2026-04") for r in _held(client))  # April is running
    assert send_due(today=date(2026, 4, 2), months_back=1) == []  # nothing new the second time
    # A period sent by hand is not sent again by the schedule, even with changed figures: corrections are
    # a person's decision.
    later = send_due(today=date(2026, 5, 1), months_back=2)
    assert {o.period.code for o in later} == {"2026-04"}


def test_the_daily_job_commits_what_is_due(app, client, db, demo, data, monkeypatch):
    monkeypatch.setitem(app.config, "REPORTING_LOOKBACK_MONTHS", 1)
    first = send_due_job()
    assert first > 0 and db.session.query(ReportSubmission).count() == first
    assert send_due_job() == 0
    assert all(m.state == "sent" for m in _messages(db))


def test_send_due_command_says_when_nothing_is_due(app, db, demo, monkeypatch):
    monkeypatch.setitem(app.config, "REPORTING_LOOKBACK_MONTHS", 0)
    assert "nothing due" in _cli(app, "send-due")


def test_the_daily_run_is_the_coming_half_past_one_in_vietnam(app):
    from portal.reports.sending import next_run, schedule_daily
    assert next_run(datetime(2026, 11, 30, 20, 0, tzinfo=VN)) == datetime(2026, 12, 1, 1, 30, tzinfo=VN)
    assert next_run(datetime(2026, 11, 30, 18, 0, tzinfo=timezone.utc)) == datetime(2026, 12, 1, 1, 30, tzinfo=VN)
    assert next_run(datetime(2026, 11, 30, 19, 0, tzinfo=timezone.utc)) == datetime(2026, 12, 2, 1, 30, tzinfo=VN)
    assert schedule_daily(app) is None  # without REDIS_URL: cron runs `flask reports send-due`


def test_period_codes():
    assert parse_report_period("2026-11") == ReportPeriod("month", 2026, 11)
    assert parse_report_period(" 2026-q4 ").code == "2026-Q4"
    assert parse_report_period("2024-Q1").period.last == date(2024, 3, 31)
    assert parse_report_period("2024-02").period.last == date(2024, 2, 29)
    assert parse_report_period("2026-11").closed(date(2026, 12, 1))
    assert not parse_report_period("2026-Q4").closed(date(2026, 12, 31))
