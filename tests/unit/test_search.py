import unicodedata

import pytest

from services.loader import default_directory, load_dir
from services.search import filter_services, fold, matches, search_text


@pytest.fixture(scope="module")
def catalogue():
    services, errors = load_dir(default_directory())
    assert errors == []
    return services


@pytest.mark.parametrize("text, folded", [
    ("Đăng ký khai sinh", "dang ky khai sinh"),
    ("ĐĂNG KÝ   KHAI\tSINH ", "dang ky khai sinh"),
    ("Xác nhận tình trạng hôn nhân", "xac nhan tinh trang hon nhan"),
    ("Ðồng Ðà", "dong da"),  # U+00D0, typed for Đ on some keyboards
    ("Hộ kinh doanh", "ho kinh doanh"),
    ("", ""),
])
def test_fold(text, folded):
    assert fold(text) == folded


def test_fold_ignores_normalization_form():
    text = "Chứng thực bản sao từ bản chính"
    assert fold(unicodedata.normalize("NFD", text)) == fold(text) == "chung thuc ban sao tu ban chinh"


@pytest.mark.parametrize("query", ["khai sinh", "KHAI SINH", "dang ky khai sinh", "Đăng ký khai sinh",
                                   "sinh khai", "  khai   sinh, ", "Khai Sinh"])
def test_birth_registration_is_found(query):
    assert matches(query, "Đăng ký khai sinh")


@pytest.mark.parametrize("query", ["khai tu", "ket hon", "khai sinh con nuoi"])
def test_other_queries_do_not_match(query):
    assert not matches(query, "Đăng ký khai sinh")


def test_empty_query_matches_everything():
    assert matches("", "Đăng ký khai sinh") and matches("   ", "")


def test_search_text_holds_name_english_name_code_and_sector(catalogue):
    birth = next(s for s in catalogue if s.slug == "dang-ky-khai-sinh")
    text = search_text(birth)
    for part in ("dang ky khai sinh", "birth registration", "1.001193", "ho tich"):
        assert part in text


@pytest.mark.parametrize("query, slugs", [
    ("khai sinh", {"dang-ky-khai-sinh"}),
    ("ho tich", {"dang-ky-khai-sinh", "dang-ky-khai-tu", "xac-nhan-tinh-trang-hon-nhan"}),
    ("giấy phép xây dựng", {"cap-giay-phep-xay-dung-nha-o-rieng-le"}),
    ("1.004873", {"xac-nhan-tinh-trang-hon-nhan"}),
    ("marital status", {"xac-nhan-tinh-trang-hon-nhan"}),
    ("ho kinh doanh", {"dang-ky-thanh-lap-ho-kinh-doanh"}),
    ("chung thuc", {"chung-thuc-ban-sao-tu-ban-chinh"}),
    ("passport", set()),
])
def test_filter_services_over_the_shipped_catalogue(catalogue, query, slugs):
    assert {s.slug for s in filter_services(catalogue, query)} == slugs


def test_filter_services_keeps_order_and_empty_query_returns_all(catalogue):
    assert filter_services(catalogue, "") == catalogue
