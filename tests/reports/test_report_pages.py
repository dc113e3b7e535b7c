import csv
import io
import subprocess

import pytest
from openpyxl import load_workbook

from tests.admin.helpers import enrol, fresh_code, login_with_totp
from tests.factories import api_token, login
from tests.reports import dataset

MARCH = {"unit": "yen-lac", "from": "2026-03-01", "to": "2026-03-31"}


@pytest.fixture
def data(db, demo):
    return dataset.build(db, demo)


def test_district_leader_sees_the_district_report_with_charts(client, db, demo, data):
    login_with_totp(client, db, "leader.yen-lac@demo.vn")
    page = client.get("/bao-cao/", query_string=MARCH)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert html.count("<svg") == 4 and "Ủy ban nhân dân xã Đồng Văn" in html and "Tích Sơn" not in html
    assert "50,0%" in html and "87,5%" in html  # on-time and online rates
    assert client.get("/bao-cao/", query_string=dict(MARCH, unit="dong-van")).status_code == 200
    assert client.get("/bao-cao/", query_string=dict(MARCH, unit="tich-son")).status_code == 403
    assert client.get("/bao-cao/", query_string=dict(MARCH, unit="vinh-phuc")).status_code == 403
    assert client.get("/bao-cao/", query_string=dict(MARCH, unit="khong-co")).status_code == 404
    bad = client.get("/bao-cao/", query_string=dict(MARCH, to="2026-02-01"))
    assert bad.status_code == 200 and "Ngày kết thúc phải sau" in bad.get_data(as_text=True)


def test_commune_leader_sees_only_the_commune(client, db, demo, data):
    login_with_totp(client, db, "leader.tam-hong@demo.vn")
    assert client.get("/bao-cao/").status_code == 200
    assert client.get("/bao-cao/", query_string=MARCH).status_code == 403
    assert client.get("/bao-cao/xuat.csv", query_string=MARCH).status_code == 403
    assert client.get("/bao-cao/", query_string=dict(MARCH, unit="tam-hong")).status_code == 200


@pytest.mark.parametrize("email", ["citizen@demo.vn", "receiver.yen-lac@demo.vn", "handler.tam-hong@demo.vn"])
def test_citizens_and_non_leaders_get_403(client, demo, email):
    login(client, email)
    for url in ("/bao-cao/", "/bao-cao/xuat.xlsx", "/bao-cao/xuat.csv", "/bao-cao/thang.pdf?thang=2026-03"):
        assert client.get(url).status_code == 403, url


def test_anonymous_is_sent_to_login(client, demo):
    for url in ("/bao-cao/", "/bao-cao/xuat.xlsx", "/bao-cao/xuat.csv", "/bao-cao/thang.pdf?thang=2026-03"):
        response = client.get(url)
        assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]


def test_xlsx_export_opens_with_the_figures(client, db, demo, data):
    login_with_totp(client, db, "admin@demo.vn")
    response = client.get("/bao-cao/xuat.xlsx", query_string=MARCH)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith('bao-cao-yen-lac-2026-03-01-2026-03-31.xlsx"')
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    header = [c.value for c in sheet[3]]
    assert header[:6] == ["Phân loại", "Tên", "Kỳ trước chuyển sang", "Mới tiếp nhận trực tuyến",
                          "Mới tiếp nhận trực tiếp", "Tổng số tiếp nhận"]
    rows = {(r[0], r[1]): dict(zip(header, r)) for r in sheet.iter_rows(min_row=4, values_only=True)}
    total = rows[("Tổng hợp", "Ủy ban nhân dân huyện Yên Lạc")]
    assert (total["Kỳ trước chuyển sang"], total["Tổng số tiếp nhận"], total["Giải quyết quá hạn"]) == (2,
                                                                                                        10, 2)
    assert total["Tỷ lệ đúng hạn"] == 0.5 and total["Hài lòng"] == 1
    assert rows[("Đơn vị", "Ủy ban nhân dân xã Đồng Văn")]["Rút hồ sơ"] == 1
    assert rows[("Thủ tục", "Đăng ký khai sinh")]["Tổng số đã giải quyết"] == 4
    assert "Từ chối tiếp nhận" in header and sheet["A1"].value.startswith("Tình hình giải quyết")


def test_csv_export(client, db, demo, data):
    login_with_totp(client, db, "admin@demo.vn")
    response = client.get("/bao-cao/xuat.csv", query_string=MARCH)
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode()) and response.mimetype == "text/csv"
    lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert lines[0][:3] == ["Phân loại", "Tên", "Kỳ trước chuyển sang"]
    total = dict(zip(lines[0], lines[1]))
    assert total["Tên"] == "Ủy ban nhân dân huyện Yên Lạc"
    assert (total["Mới tiếp nhận trực tuyến"], total["Tỷ lệ trực tuyến"]) == ("7", "0.8750")
    assert len(lines) == 1 + 1 + 2 + 1  # total, two communes, one service


def test_formula_like_names_stay_text_in_csv(db, demo, data):
    from portal.reports import export
    from portal.reports.metrics import Period, build_report
    unit = demo.unit("tam-hong")
    unit.name = "=HYPERLINK(\"http://x\")"
    db.session.commit()
    text = export.to_csv(build_report(demo.unit("yen-lac"), Period.month(2026, 3)))
    assert "'=HYPERLINK" in text


def test_monthly_pdf(client, db, demo, data):
    login_with_totp(client, db, "leader.yen-lac@demo.vn")
    response = client.get("/bao-cao/thang.pdf", query_string={"unit": "yen-lac", "thang": "2026-03"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=response.get_data(), capture_output=True,
                          check=True).stdout.decode()
    flat = " ".join(text.split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat
    assert "Tháng 3 năm 2026" in flat and "Tổng số hồ sơ tiếp nhận: 10" in flat
    assert client.get("/bao-cao/thang.pdf", query_string={"thang": "2026-13"}).status_code == 400

    quiet = client.get("/bao-cao/thang.pdf", query_string={"unit": "yen-lac", "thang": "2026-01"})
    quiet_text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=quiet.get_data(), capture_output=True,
                                check=True).stdout.decode()
    assert "None" not in quiet_text  # a month with nothing decided has no average: "—", as in the summary


def _leader_token(client, db, demo, email):
    """Bearer token for a leader (the token endpoint may also ask for `totp`)."""
    user = demo.user(email)
    secret = user.totp_secret or enrol(db, user)
    response = client.post("/api/v1/auth/token", json={"email": email, "password": "Demo@12345",
                                                       "totp": fresh_code(db, user, secret)})
    assert response.status_code == 200, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['access_token']}"}


def test_summary_api_has_the_design_shape(client, db, demo, data):
    headers = _leader_token(client, db, demo, "leader.yen-lac@demo.vn")
    response = client.get("/api/v1/reports/summary", query_string=MARCH, headers=headers)
    assert response.status_code == 200
    assert response.get_json() == dataset.MARCH_YEN_LAC
    empty = client.get("/api/v1/reports/summary", query_string={"from": "2020-01-01", "to": "2020-01-31"},
                       headers=headers).get_json()
    assert set(empty) == {"received", "resolved", "in_progress", "waiting_citizen", "refused", "withdrawn",
                          "on_time_rate", "online_rate", "satisfaction", "digitised", "paid_online",
                          "average_days", "national_synced"}
    assert empty["average_days"] is None and empty["digitised"] == {"applications": 0, "results": 0}
    assert empty["on_time_rate"] is None and empty["received"] == {"carried_over": 0, "online": 0,
                                                                   "counter": 0}


def test_summary_api_errors(client, db, demo, data):
    assert client.get("/api/v1/reports/summary").status_code == 401
    citizen = api_token(client, "citizen@demo.vn")
    refused = client.get("/api/v1/reports/summary", headers=citizen)
    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
    headers = _leader_token(client, db, demo, "leader.tam-hong@demo.vn")
    assert client.get("/api/v1/reports/summary", query_string={"unit": "yen-lac"},
                      headers=headers).status_code == 403
    bad = client.get("/api/v1/reports/summary", query_string={"from": "2026-02-30"}, headers=headers)
    assert bad.status_code == 422 and "from" in bad.get_json()["errors"]
    assert client.get("/api/v1/reports/summary", query_string={"unit": "khong-co"},
                      headers=headers).status_code == 404
