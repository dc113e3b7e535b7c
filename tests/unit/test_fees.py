import pytest

from services import ServiceError
from services.fees import FixedFee, PerPageFee, format_vnd, parse_fee
from services.loader import default_directory, load_file

CERTIFIED_COPY = {"kind": "per_page", "field": "pages", "copies_field": "copies", "first_pages": 2,
                  "first_rate": 2000, "next_rate": 1000, "cap": 200000}


@pytest.mark.parametrize("amount, text", [
    (0, "0 ₫"),
    (999, "999 ₫"),
    (1000, "1.000 ₫"),
    (75000, "75.000 ₫"),
    (1500000, "1.500.000 ₫"),
    (-5000, "-5.000 ₫"),
])
def test_format_vnd_groups_thousands_with_dots(amount, text):
    assert format_vnd(amount) == text


def test_format_vnd_english_groups_with_commas():
    assert format_vnd(1500000, "en") == "1,500,000 ₫"


@pytest.mark.parametrize("amount", [1.5, True, "1000", None])
def test_format_vnd_refuses_non_integers(amount):
    with pytest.raises(TypeError):
        format_vnd(amount)


@pytest.fixture(scope="module")
def certified_copy_fee():
    return load_file(default_directory() / "chung-thuc-ban-sao-tu-ban-chinh.toml").fee


@pytest.mark.parametrize("pages, copies, amount", [
    (1, 1, 2000),
    (2, 1, 4000),
    (3, 1, 5000),
    (198, 1, 200000),      # exactly the cap
    (250, 1, 200000),      # capped
    (3, 2, 10000),
    (250, 3, 600000),      # the cap is per copy
])
def test_certified_copy_fee_follows_circular_226_2016(certified_copy_fee, pages, copies, amount):
    assert certified_copy_fee.compute({"pages": pages, "copies": copies}) == amount


def test_certified_copy_fee_is_described_like_the_circular(certified_copy_fee):
    assert certified_copy_fee.describe() == (
        "2.000 ₫/trang cho trang thứ nhất và thứ hai, 1.000 ₫/trang từ trang thứ ba, tối đa 200.000 ₫/bản")
    assert certified_copy_fee.describe("en") == (
        "2,000 ₫/page for the first 2 pages, 1,000 ₫/page from the third page, at most 200,000 ₫ per copy")
    assert not certified_copy_fee.is_free


@pytest.mark.parametrize("data", [{}, {"pages": None, "copies": 1}, {"pages": "3", "copies": 1},
                                  {"pages": True, "copies": 1}, {"pages": -1, "copies": 1},
                                  {"pages": 3}])
def test_per_page_fee_refuses_unvalidated_data(certified_copy_fee, data):
    with pytest.raises(ValueError):
        certified_copy_fee.compute(data)


def test_per_page_without_copies_field_charges_one_copy():
    rule = parse_fee({"kind": "per_page", "field": "pages", "next_rate": 500}, "x.toml")
    assert rule.compute({"pages": 7}) == 3500
    assert rule.describe() == "500 ₫/trang"
    assert rule.referenced_fields == ("pages",)


@pytest.mark.parametrize("first_pages, text", [
    (1, "3.000 ₫/trang cho trang thứ nhất, 1.000 ₫/trang từ trang thứ hai"),
    (3, "3.000 ₫/trang cho 3 trang đầu, 1.000 ₫/trang từ trang thứ tư"),
    (10, "3.000 ₫/trang cho 10 trang đầu, 1.000 ₫/trang từ trang thứ 11"),
])
def test_per_page_description_names_the_pages(first_pages, text):
    rule = PerPageFee(field="pages", first_pages=first_pages, first_rate=3000, next_rate=1000)
    assert rule.describe() == text


def test_fixed_fees():
    free, permit = parse_fee(0, "x.toml"), parse_fee(75000, "x.toml")
    assert free == FixedFee(0) and free.is_free and free.describe() == "Miễn phí"
    assert free.describe("en") == "Free"
    assert permit.compute({"anything": 1}) == 75000
    assert permit.describe() == "75.000 ₫" and not permit.is_free


@pytest.mark.parametrize("value", [0, 75000, CERTIFIED_COPY,
                                   {"kind": "per_page", "field": "pages", "next_rate": 1000}])
def test_to_value_reads_back_to_the_same_rule(value):
    rule = parse_fee(value, "x.toml")
    assert rule.to_value() == value
    assert parse_fee(rule.to_value(), "x.toml") == rule


@pytest.mark.parametrize("value, key, reason", [
    (-1, "fee", "không âm"),
    (1.5, "fee", "số thực"),
    (True, "fee", "giá trị true/false"),
    ("75000", "fee", "chuỗi ký tự"),
    ({"field": "pages", "next_rate": 1}, "fee.kind", "thiếu khóa bắt buộc"),
    ({"kind": "fixed", "amount": 5}, "fee.kind", "phí cố định viết là số nguyên"),
    ({**CERTIFIED_COPY, "capp": 5}, "fee.capp", "có phải là 'cap'?"),
    ({"kind": "per_page", "field": "pages"}, "fee.next_rate", "thiếu khóa bắt buộc"),
    ({"kind": "per_page", "next_rate": 1}, "fee.field", "thiếu khóa bắt buộc"),
    ({"kind": "per_page", "field": "so trang", "next_rate": 1}, "fee.field", "tên một trường"),
    ({**CERTIFIED_COPY, "first_pages": 0}, "fee.first_rate", "chỉ dùng khi first_pages > 0"),
    ({"kind": "per_page", "field": "pages", "first_pages": 2, "next_rate": 1}, "fee.first_rate", "thiếu"),
    ({**CERTIFIED_COPY, "cap": 0}, "fee.cap", "lớn hơn 0"),
    ({**CERTIFIED_COPY, "next_rate": -1000}, "fee.next_rate", "không âm"),
    ({**CERTIFIED_COPY, "copies_field": "pages"}, "fee.copies_field", "trùng"),
])
def test_bad_fee_names_file_key_and_reason(value, key, reason):
    with pytest.raises(ServiceError) as caught:
        parse_fee(value, "chung-thuc.toml")
    error = caught.value
    assert (error.file, error.key) == ("chung-thuc.toml", key)
    assert reason in error.reason
    assert str(error) == f"chung-thuc.toml: {key}: {error.reason}"
