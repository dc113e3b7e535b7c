"""The catalogue page (/thu-tuc?q=) ranks what people type and suggests when nothing matches (issue 14,
point 4): the view over services.search with the shipped services loaded by the demo."""
import re

import pytest


def found(client, query):
    html = client.get("/thu-tuc", query_string={"q": query}).get_data(as_text=True)
    return html, re.findall(r'href="/thu-tuc/([a-z0-9-]+)"', html)


@pytest.mark.parametrize("query, first", [
    ("giay khai sinh", "dang-ky-khai-sinh"),
    ("khai sinh cho con", "dang-ky-khai-sinh"),
    ("xin giấy phép xây nhà", "cap-giay-phep-xay-dung-nha-o-rieng-le"),
    ("cưới vợ", "xac-nhan-tinh-trang-hon-nhan"),
])
def test_everyday_queries_list_the_procedure_first(client, demo, query, first):
    html, slugs = found(client, query)
    assert slugs and slugs[0] == first
    assert "Có phải bạn muốn tìm" not in html


def test_filters_still_apply_to_a_ranked_search(client, demo):
    _, slugs = found(client, "khai sinh")
    assert slugs[:2] == ["dang-ky-khai-sinh", "dang-ky-khai-tu"]
    html = client.get("/thu-tuc", query_string={"q": "khai sinh", "muc_do": "3"}).get_data(as_text=True)
    assert "dang-ky-khai-sinh" not in html


def test_a_mistyped_query_gets_suggestions(client, demo):
    html, slugs = found(client, "khia snh")
    assert "Không tìm thấy thủ tục phù hợp" in html
    assert "Có phải bạn muốn tìm:" in html
    assert slugs[0] == "dang-ky-khai-sinh"


def test_nothing_close_gets_no_suggestion(client, demo):
    html, slugs = found(client, "passport")
    assert "Không tìm thấy thủ tục phù hợp" in html and "Có phải bạn muốn tìm" not in html and slugs == []


def test_the_api_ranks_the_same_way(client, demo):
    answer = client.get("/api/v1/services", query_string={"q": "xin giay phep xay nha"})
    assert answer.status_code == 200
    assert answer.get_json()[0]["slug"] == "cap-giay-phep-xay-dung-nha-o-rieng-le"
    assert len(client.get("/api/v1/services").get_json()) == 6
    assert client.get("/api/v1/services", query_string={"q": "x" * 201}).status_code == 422
