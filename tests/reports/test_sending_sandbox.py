"""The reporting system's sandbox answers as a strict real one would, and the administrator's page shows what
was sent with each outbox message's state."""
import copy

import pytest
from sqlalchemy import select

from portal.outbox import put
from portal.outbox.models import OutboxMessage
from portal.reports.indicators import indicator_values
from portal.reports.metrics import summary
from portal.reports.periods import parse_report_period
from portal.reports.sending import build_payload, content_hash, reporting_token
from tests.factories import login, post_form
from tests.reports import dataset

URL = "/sandbox/reporting/reports"


@pytest.fixture(autouse=True)
def sandbox_store(app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "REPORTING_SANDBOX_STORE", str(tmp_path / "reporting.json"))


@pytest.fixture
def auth(app):
    return {"Authorization": f"Bearer {reporting_token(app.config)}"}


def _report(demo, period="2026-03", version=1, unit="yen-lac"):
    unit = demo.unit(unit)
    report_period = parse_report_period(period)
    indicators = indicator_values(summary(unit, report_period.period))
    return build_payload(unit, report_period, version, indicators,
                         content_hash(unit.code, report_period.code, indicators))


def _rehash(body):
    body["content_hash"] = content_hash(body["unit"]["code"], body["period"]["code"], body["indicators"])
    return body


def test_a_valid_report_is_kept_and_a_repeat_is_harmless(client, demo, auth):
    body = _report(demo)
    first = client.post(URL, json=body, headers=auth)
    assert first.status_code == 201
    assert first.get_json()["receipt"] == f"BC-{demo.unit('yen-lac').code}-2026-03-V1"
    again = client.post(URL, json=body, headers=auth)
    assert again.status_code == 200 and again.get_json()["receipt"] == first.get_json()["receipt"]
    assert len(client.get(URL, query_string={"unit": "yen-lac"}).get_json()["reports"]) == 1


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic eA=="}])
def test_the_sender_must_authenticate(client, demo, headers):
    response = client.post(URL, json=_report(demo), headers=headers)
    assert response.status_code == 401 and response.mimetype == "application/problem+json"
    assert client.get(URL).get_json()["reports"] == []


def test_a_body_that_is_not_a_json_object_is_a_400(client, demo, auth):
    for data in (b"not json", b"[1, 2]"):
        response = client.post(URL, data=data, headers={**auth, "Content-Type": "application/json"})
        assert response.status_code == 400


def _without_indicator(body):
    body["indicators"] = body["indicators"][1:]
    return _rehash(body)


def _bad_period(body):
    body["period"]["code"] = "2026-13"
    return body


def _period_mismatch(body):
    body["period"]["to"] = "2026-03-30"
    return body


def _running_period(body):
    body["period"] = {"code": "2099-01", "kind": "month", "year": 2099, "number": 1, "from": "2099-01-01",
                      "to": "2099-01-31"}
    return _rehash(body)


def _unknown_code(body):
    body["indicators"].append({"code": "TTHC_KHONG_CO", "value": 1})
    return _rehash(body)


def _negative_count(body):
    body["indicators"][2]["value"] = -1
    return _rehash(body)


def _rate_above_one(body):
    next(i for i in body["indicators"] if i["code"] == "TTHC_TL_DUNGHAN")["value"] = 1.5
    return _rehash(body)


def _total_off(body):
    next(i for i in body["indicators"] if i["code"] == "TTHC_TN_TONG")["value"] += 1
    return _rehash(body)


def _hash_off(body):
    body["content_hash"] = "0" * 64
    return body


def _no_unit(body):
    del body["unit"]
    return body


def _version_zero(body):
    body["version"] = 0
    return body


def _wrong_previous(body):
    body["previous_version"] = 3
    return body


@pytest.mark.parametrize("spoil, field", [
    (_without_indicator, "indicators"), (_bad_period, "period"), (_period_mismatch, "period"),
    (_running_period, "period"), (_unknown_code, "indicators"), (_negative_count, "indicators"),
    (_rate_above_one, "indicators"), (_total_off, "indicators"), (_hash_off, "content_hash"),
    (_no_unit, "unit"), (_version_zero, "version"), (_wrong_previous, "previous_version"),
])
def test_a_malformed_report_is_refused_with_the_field_named(client, demo, auth, spoil, field):
    response = client.post(URL, json=spoil(copy.deepcopy(_report(demo))), headers=auth)
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == "application/problem+json" and field in response.get_json()["errors"]
    assert client.get(URL).get_json()["reports"] == []


@pytest.mark.parametrize("body", [
    {}, {"schema": None}, {"unit": "x", "period": "2026-03", "version": "1", "indicators": "all"},
    {"unit": {"code": "a b"}, "period": {"code": 202603}, "version": True, "indicators": [1, None, {"code": 5}]},
    {"indicators": [{"code": "TTHC_TL_DUNGHAN", "value": float("nan")}]},
    {"indicators": [{"code": "TTHC_TN_TONG", "value": [1]}, {"code": "TTHC_TN_TONG", "value": 1}]},
])
def test_garbage_is_a_422_never_a_500(client, demo, auth, body):
    response = client.post(URL, json=body, headers=auth)
    assert response.status_code == 422 and response.get_json()["errors"]


def test_versions_follow_one_another_and_are_never_overwritten(client, db, demo, auth):
    first = _report(demo)
    skipped = client.post(URL, json=_report(demo, version=2), headers=auth)
    assert skipped.status_code == 409 and skipped.get_json()["code"] == "version_out_of_order"
    assert client.post(URL, json=first, headers=auth).status_code == 201
    changed = copy.deepcopy(first)
    next(i for i in changed["indicators"] if i["code"] == "TTHC_RUT")["value"] += 1
    next(i for i in changed["indicators"] if i["code"] == "TTHC_TN_TONG")["value"] += 0
    other_figures = client.post(URL, json=_rehash(changed), headers=auth)
    assert other_figures.status_code == 409 and other_figures.get_json()["code"] == "version_exists"
    changed.update(version=2, previous_version=1)
    assert client.post(URL, json=changed, headers=auth).status_code == 201
    held = client.get(URL, query_string={"unit": demo.unit("yen-lac").code, "period": "2026-03"}).get_json()
    assert [(r["version"], r["content_hash"]) for r in held["reports"]] == [
        (1, first["content_hash"]), (2, changed["content_hash"])]


def test_a_refused_report_marks_its_outbox_message_failed(app, client, db, demo):
    broken = _without_indicator(copy.deepcopy(_report(demo)))
    put("reporting", broken, key="report:yen-lac:2026-03:v1", ordering_key="report:yen-lac:2026-03")
    db.session.commit()  # delivered right after the commit (no REDIS_URL)
    [message] = db.session.execute(select(OutboxMessage)).scalars().all()
    assert message.state == "failed" and "422" in message.last_error and "TTHC_TN_TONG" in message.last_error
    assert client.get(URL).get_json()["reports"] == []


def test_the_sandbox_is_off_when_a_real_receiver_is_configured(app, client, demo, auth, monkeypatch):
    monkeypatch.setitem(app.config, "REPORTING_URL", "https://baocao.example.gov.vn/api/reports")
    assert client.post(URL, json=_report(demo), headers=auth).status_code == 404
    assert client.get("/sandbox/reporting/").status_code == 404
    assert reporting_token(app.config) == ""  # a real receiver's token is never derived


def test_the_sandbox_page_is_labelled_and_shows_every_version(app, client, db, demo, auth):
    dataset.build(db, demo)
    assert client.post(URL, json=_report(demo), headers=auth).status_code == 201
    page = client.get("/sandbox/reporting/", query_string={"unit": "yen-lac"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "MÔI TRƯỜNG THỬ NGHIỆM" in html
    assert "phiên bản 1" in html and "TTHC_TN_TRUCTUYEN" in html and "Số hồ sơ mới tiếp nhận trực tuyến" in html
    assert "Chưa nhận báo cáo nào khớp bộ lọc" in client.get("/sandbox/reporting/?period=2020-01").get_data(
        as_text=True)


# -- the administrator's page --------------------------------------------------------------------------------

def test_the_administrator_sees_each_version_with_its_outbox_state(app, client, db, demo, monkeypatch):
    dataset.build(db, demo)
    from portal.reports import sending
    # A sender that forgets an indicator: the sandbox refuses its report, the outbox marks it failed.
    monkeypatch.setattr(sending, "indicator_values", lambda figures: indicator_values(figures)[1:])
    sending.send_period(parse_report_period("2026-03"), demo.unit("tam-hong"))
    db.session.commit()
    monkeypatch.undo()
    login(client, "admin@demo.vn")
    sent = post_form(client, "/bao-cao/da-gui/", {"period": "2026-03", "unit": "yen-lac"})
    assert sent.status_code == 302 and "period=2026-03" in sent.headers["Location"]
    page = client.get(sent.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "1 báo cáo mới đưa vào hàng gửi" in html and "Ủy ban nhân dân huyện Yên Lạc" in html and "Đã gửi" in html
    everything = client.get("/bao-cao/da-gui/").get_data(as_text=True)
    assert "Gửi không thành công" in everything and "HTTP 422" in everything
    assert "Thiếu chỉ tiêu: TTHC_TN_TONG." in everything  # the receiver's reason, readable
    assert client.get("/bao-cao/da-gui/?unit=tam-hong").get_data(as_text=True).count("<tr>") == 2
    again = post_form(client, "/bao-cao/da-gui/", {"period": "2026-03", "unit": "yen-lac"}, follow_redirects=True)
    assert "0 báo cáo mới đưa vào hàng gửi, 1 không thay đổi" in again.get_data(as_text=True)


def test_the_send_form_shows_a_refusal_beside_the_period(client, db, demo):
    login(client, "admin@demo.vn")
    response = post_form(client, "/bao-cao/da-gui/", {"period": "2099-01", "unit": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Chỉ gửi báo cáo của kỳ đã kết thúc" in html
    assert 'aria-invalid="true"' in html
    no_token = client.post("/bao-cao/da-gui/", data={"period": "2026-03"})
    assert no_token.status_code == 400  # CSRF


@pytest.mark.parametrize("email", ["leader.yen-lac@demo.vn", "receiver.yen-lac@demo.vn", "citizen@demo.vn"])
def test_only_administrators_see_the_sent_reports(client, demo, email):
    login(client, email)
    assert client.get("/bao-cao/da-gui/").status_code == 403


def test_anonymous_is_sent_to_login(client, demo):
    response = client.get("/bao-cao/da-gui/")
    assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]


# -- after a refusal ----------------------------------------------------------------------------------------

def _held(client, demo, unit="tam-hong", period="2026-03"):
    return client.get(URL, query_string={"unit": demo.unit(unit).code, "period": period}).get_json()["reports"]


def test_a_refused_version_is_sent_again_under_its_own_number_once_the_sender_is_fixed(
        app, client, db, demo, monkeypatch):
    from portal.reports import sending
    from portal.reports.models import ReportSubmission
    dataset.build(db, demo)
    period = parse_report_period("2026-03")
    monkeypatch.setattr(sending, "indicator_values", lambda figures: indicator_values(figures)[1:])
    sending.send_period(period, demo.unit("tam-hong"))
    db.session.commit()
    monkeypatch.undo()
    [refused] = db.session.execute(select(OutboxMessage)).scalars().all()
    assert refused.state == "failed" and _held(client, demo) == []

    [outcome] = sending.send_period(period, demo.unit("tam-hong"))
    db.session.commit()
    assert outcome.created and outcome.submission.version == 1
    assert [(r["version"], r["previous_version"]) for r in _held(client, demo)] == [(1, None)]
    rows = db.session.execute(select(ReportSubmission)).scalars().all()
    assert [(r.version, r.outbox_message_id) for r in rows] == [(1, outcome.submission.outbox_message_id)]
    db.session.refresh(refused)
    assert refused.state == "failed"  # the refusal stays on record, with its reason
    states = dict(db.session.execute(select(OutboxMessage.id, OutboxMessage.state)).all())
    assert states[outcome.submission.outbox_message_id] == "sent"

    [again] = sending.send_period(period, demo.unit("tam-hong"))
    assert not again.created  # accepted now: the same figures are not sent twice


def test_the_same_figures_go_again_after_a_refusal_of_the_envelope(app, client, db, demo, monkeypatch):
    """Refused for something outside the figures (here a wrong schema name; in life a wrong token): once that
    is fixed, the unchanged figures are sent again, not taken for already sent."""
    from portal.reports import sending
    dataset.build(db, demo)
    period = parse_report_period("2026-03")
    build = sending.build_payload
    monkeypatch.setattr(sending, "build_payload", lambda *args: {**build(*args), "schema": "other/1"})
    sending.send_period(period, demo.unit("yen-lac"))
    db.session.commit()
    [refused] = db.session.execute(select(OutboxMessage)).scalars().all()
    assert refused.state == "failed" and "422" in refused.last_error
    monkeypatch.undo()

    [outcome] = sending.send_period(period, demo.unit("yen-lac"))
    db.session.commit()
    assert outcome.created and outcome.submission.version == 1
    assert [r["version"] for r in _held(client, demo, unit="yen-lac")] == [1]
