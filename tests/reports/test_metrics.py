from datetime import date

import pytest

from portal.operations import Invalid
from portal.reports.metrics import Period, build_report, parse_period, scope_unit_ids, summary
from tests.reports import dataset


@pytest.fixture
def data(db, demo):
    return dataset.build(db, demo)


def test_march_figures_of_a_district_match_the_known_answers(data, demo):
    assert summary(demo.unit("yen-lac"), Period.month(2026, 3)) == dataset.MARCH_YEN_LAC


def test_every_application_received_is_accounted_for(data, demo):
    total = build_report(demo.unit("yen-lac"), Period.month(2026, 3)).total
    assert total.received == 10
    assert total.received == (total.resolved + total.refused + total.withdrawn + total.in_progress
                              + total.waiting_citizen)


def test_open_applications_are_carried_over_into_the_next_period(data, demo):
    april = summary(demo.unit("yen-lac"), Period.month(2026, 4))
    # processing since February, the desk application of 10 March, the supplement, 31 March 23:00
    assert april["received"] == {"carried_over": 4, "online": 2, "counter": 0}
    assert april["in_progress"] == {"on_time": 3, "overdue": 2}
    assert april["waiting_citizen"] == 1
    assert april["resolved"] == {"early": 0, "on_time": 0, "late": 0}
    assert april["on_time_rate"] is None
    assert april["satisfaction"]["unsatisfied"] == 1


def test_commune_breakdown_and_service_breakdown(data, demo):
    report = build_report(demo.unit("yen-lac"), Period.month(2026, 3))
    by_unit = {row.name: row.figures for row in report.by_unit}
    assert set(by_unit) == {"Ủy ban nhân dân xã Tam Hồng", "Ủy ban nhân dân xã Đồng Văn"}
    dong_van = by_unit["Ủy ban nhân dân xã Đồng Văn"]
    assert (dong_van.carried_over, dong_van.late, dong_van.overdue, dong_van.withdrawn) == (1, 1, 1, 1)
    assert [row.name for row in report.by_service] == ["Đăng ký khai sinh"]
    assert report.by_service[0].figures == report.total


def test_scope_of_a_commune_and_of_everything(data, demo):
    commune = summary(demo.unit("dong-van"), Period.month(2026, 3))
    assert commune["received"] == {"carried_over": 1, "online": 2, "counter": 0}
    everything = build_report(None, Period.month(2026, 3)).total
    assert everything.received == 11
    assert everything.early == 2  # tich-son's decision two days early
    assert scope_unit_ids(demo.unit("tam-hong")) == [demo.unit("tam-hong").id]


def test_scope_follows_merged_units(data, db, demo):
    absorbed, survivor = demo.unit("dong-van"), demo.unit("tam-hong")
    absorbed.merged_into_id = survivor.id
    absorbed.parent_id = None
    db.session.commit()
    assert set(scope_unit_ids(survivor)) == {survivor.id, absorbed.id}


def test_period_parsing():
    assert parse_period("2026-03-01", "2026-03-31") == Period(date(2026, 3, 1), date(2026, 3, 31))
    assert parse_period(None, None, today=date(2026, 5, 17)) == Period(date(2026, 5, 1), date(2026, 5, 17))
    with pytest.raises(Invalid) as bad:
        parse_period("2026-13-01", "2026-03-31")
    assert "from" in bad.value.errors
    with pytest.raises(Invalid) as reversed_period:
        parse_period("2026-04-01", "2026-03-31")
    assert "to" in reversed_period.value.errors
    assert Period.month(2026, 12) == Period(date(2026, 12, 1), date(2026, 12, 31))
