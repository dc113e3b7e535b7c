import re

import pytest


def titles(html):
    return re.findall(r'href="/thu-tuc/([a-z0-9-]+)"', html)


@pytest.mark.parametrize("query", ["khai sinh", "KHAI SINH", "dang ky khai sinh", "Đăng ký khai sinh",
                                   "  khai   SINH  ", "1.001193"])
def test_search_is_accent_and_case_insensitive(client, demo, query):
    page = client.get("/thu-tuc", query_string={"q": query})
    assert page.status_code == 200
    found = titles(page.get_data(as_text=True))
    assert "dang-ky-khai-sinh" in found
    assert "cap-giay-phep-xay-dung-nha-o-rieng-le" not in found


def test_search_without_match_says_so(client, demo):
    html = client.get("/thu-tuc?q=khong+co+thu+tuc+nay").get_data(as_text=True)
    assert "Không tìm thấy thủ tục phù hợp" in html
    assert titles(html) == []


def test_catalogue_lists_every_service_with_level_days_and_fee(client, demo):
    html = client.get("/thu-tuc").get_data(as_text=True)
    assert len(set(titles(html))) == 6
    assert "Cấp xã" in html and "Cấp huyện" in html
    assert "75.000 ₫" in html  # building permit, a fixed fee
    assert "2.000 ₫/trang" in html  # certified copy, per page
    assert "Miễn phí" in html
    assert "ngày làm việc" in html


def test_filter_by_level(client, demo):
    district = set(titles(client.get("/thu-tuc?cap=district").get_data(as_text=True)))
    assert district == {"cap-giay-phep-xay-dung-nha-o-rieng-le", "dang-ky-thanh-lap-ho-kinh-doanh"}
    commune = set(titles(client.get("/thu-tuc?cap=commune").get_data(as_text=True)))
    assert "dang-ky-khai-sinh" in commune and not commune & district


def test_filter_by_sector_and_online_level_combine_with_search(client, demo):
    html = client.get("/thu-tuc", query_string={"sector": "Hộ tịch"}).get_data(as_text=True)
    assert {"dang-ky-khai-sinh", "dang-ky-khai-tu"} <= set(titles(html))
    assert "chung-thuc-ban-sao-tu-ban-chinh" not in titles(html)
    level3 = set(titles(client.get("/thu-tuc?muc_do=3").get_data(as_text=True)))
    assert level3 == {"chung-thuc-ban-sao-tu-ban-chinh"}
    both = set(titles(client.get("/thu-tuc?q=khai&muc_do=4&cap=commune").get_data(as_text=True)))
    assert both == {"dang-ky-khai-sinh", "dang-ky-khai-tu"}


@pytest.mark.parametrize("query", ["cap=nowhere", "muc_do=abc", "muc_do=9", "q=%25%5F%27%22%3C",
                                   "sector=" + "x" * 500, "q=" + "khai+" * 100])
def test_strange_filters_never_fail(client, demo, query):
    assert client.get("/thu-tuc?" + query).status_code == 200


def test_procedure_page_tells_everything_needed_to_apply(client, demo):
    page = client.get("/thu-tuc/dang-ky-khai-sinh")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for text in ("Đăng ký khai sinh", "1.001193", "Giấy chứng sinh", "Bắt buộc", "Trong ngày (hồ sơ nhận sau 15 giờ",
                 "Miễn phí", "Luật Hộ tịch số 60/2014/QH13", "Mức độ 4", "toàn trình trực tuyến",
                 "Ủy ban nhân dân xã Tam Hồng", "Ủy ban nhân dân phường Đống Đa", "Giấy khai sinh",
                 "Nộp hồ sơ trực tuyến"):
        assert text in html, text
    assert 'href="/thu-tuc/dang-ky-khai-sinh/nop-ho-so"' in html
    # Only units at the intake level are offered.
    assert "Ủy ban nhân dân huyện Yên Lạc" not in html


def test_level_3_procedure_explains_level_3(client, demo):
    html = client.get("/thu-tuc/chung-thuc-ban-sao-tu-ban-chinh").get_data(as_text=True)
    assert "Mức độ 3" in html and "nhận kết quả tại Bộ phận Một cửa" in html
    assert "tối đa 200.000 ₫/bản" in html


def test_district_procedure_received_at_the_commune_lists_communes(client, demo):
    html = client.get("/thu-tuc/dang-ky-thanh-lap-ho-kinh-doanh").get_data(as_text=True)
    assert "Cấp huyện" in html
    assert "Ủy ban nhân dân xã Tam Hồng" in html


def test_unknown_procedure_is_404(client, demo, citizen):
    assert client.get("/thu-tuc/khong-co").status_code == 404
    assert client.get("/thu-tuc/khong-co/nop-ho-so").status_code == 404


def test_applying_to_an_unknown_procedure_asks_to_sign_in_first(client, demo):
    response = client.get("/thu-tuc/khong-co/nop-ho-so")
    assert response.status_code == 302
    assert "/dang-nhap" in response.headers["Location"]


def test_procedure_is_within_three_clicks_of_home(client, demo):
    """Follows links only (no typed URL): home -> catalogue (or a listed procedure) -> procedure page."""
    home = client.get("/").get_data(as_text=True)
    assert 'href="/thu-tuc"' in home
    catalogue = client.get("/thu-tuc").get_data(as_text=True)
    for slug in set(titles(catalogue)):
        assert client.get(f"/thu-tuc/{slug}").status_code == 200
