"""The metrics of issue 11 (digitised applications and results, paid online, average days, national sync):
known answers at the period boundaries, the daily flows equal to a full scan, and fire() keeping them."""
from datetime import date

import pytest
from sqlalchemy import select

from portal.models import ReportFlow
from portal.reports import flows
from portal.reports.digitised import national_synced_statement
from portal.reports.metrics import Period, cells_by_scan, cells_from_flows, scope_unit_ids, summary
from portal.timeutil import vn_today
from tests.counter import helpers as counter
from tests.reports import dataset


@pytest.fixture
def data(db, demo):
    return dataset.build(db, demo)


def test_february_gets_what_happened_late_on_its_last_evening(data, demo):
    february = summary(demo.unit("yen-lac"), Period.month(2026, 2))
    assert february["paid_online"] == 1  # 23:59 on 28 February, Vietnam time
    assert february["digitised"] == {"applications": 0, "results": 1}  # scanned 23:10 on 28 February
    april = summary(demo.unit("yen-lac"), Period.month(2026, 4))
    assert april["digitised"] == {"applications": 0, "results": 0} and april["paid_online"] == 0
    assert april["average_days"] is None  # nothing resolved in April


def test_a_single_day_counts_the_resolution_days_of_that_day(data, demo):
    # 7 March: the decision at 00:10 (received 3 March: 4, 5, 6 March and Saturday 7 is no working day)
    assert summary(demo.unit("dong-van"), Period(date(2026, 3, 7), date(2026, 3, 7)))["average_days"] == 3.0
    # the commune of Tam Hồng in March: 6, 2 and 3 working days
    assert summary(demo.unit("tam-hong"), Period.month(2026, 3))["average_days"] == round(11 / 3, 1)


def test_national_channel_counts_online_and_counter_only_the_desk(data, demo):
    figures = summary(demo.unit("tam-hong"), Period.month(2026, 3))
    assert figures["received"]["counter"] == 1  # the desk application, not the national one


@pytest.mark.parametrize("first, last", [(date(2026, 2, 1), date(2026, 2, 28)), (date(2026, 3, 1),
                                                                                 date(2026, 3, 31)),
                                         (date(2026, 3, 31), date(2026, 4, 1)), (date(2026, 1, 1),
                                                                                 date(2026, 12, 31))])
def test_flows_equal_a_full_scan_on_the_known_data(data, demo, first, last):
    for slug in (None, "yen-lac", "tam-hong", "dong-van"):
        unit_ids = scope_unit_ids(demo.unit(slug)) if slug else None
        period = Period(first, last)
        assert cells_from_flows(period, unit_ids) == cells_by_scan(period, unit_ids), (slug, first, last)


def test_national_synced_reads_zero_until_the_outbox_is_in_the_schema(data, demo):
    from portal.reports.digitised import national_table
    if national_table() is None:
        assert national_synced_statement(Period.month(2026, 3), None) is None
    assert summary(demo.unit("yen-lac"), Period.month(2026, 3))["national_synced"] == 0


def _flows():
    from portal.extensions import db
    return sorted(tuple(r) for r in db.session.execute(
        select(ReportFlow.unit_id, ReportFlow.service_id, ReportFlow.day, ReportFlow.kind, ReportFlow.count)
        .where(ReportFlow.count != 0)).all())


def test_a_walk_in_is_counted_at_the_counter_and_digitised_by_fire(client, db, demo):
    desk = counter.desk(client)
    counter.walk_in(client, desk)
    today = Period(vn_today(), vn_today())
    figures = summary(demo.unit("tam-hong"), today)
    assert figures["received"]["counter"] == 1 and figures["received"]["online"] == 0
    assert figures["digitised"]["applications"] == 1
    kept = _flows()
    flows.rebuild()
    db.session.commit()
    assert _flows() == kept  # fire() wrote what a rebuild from scratch writes
