import copy
import json
import pickle
import re
import shutil
import tomllib
import unicodedata

import pytest

from services import ServiceError
from services.fees import FixedFee, PerPageFee
from services.loader import (ServiceDef, default_directory, definition_hash, from_dict, load_dir, load_file,
                             load_text, parse, to_dict, to_toml)

SHIPPED = sorted(default_directory().glob("*.toml"))

# What the brief fixes for each shipped procedure.
EXPECTED = {
    "dang-ky-khai-sinh": dict(code="1.001193", authority="commune", intake="commune", workflow="commune",
                              online_level=4, template="birth_certificate"),
    "dang-ky-khai-tu": dict(authority="commune", intake="commune", workflow="commune",
                            template="death_certificate"),
    "xac-nhan-tinh-trang-hon-nhan": dict(code="1.004873", authority="commune", workflow="commune",
                                         processing_days=3, template="marital_status_certificate"),
    "chung-thuc-ban-sao-tu-ban-chinh": dict(authority="commune", workflow="commune",
                                            template="certified_copy"),
    "dang-ky-thanh-lap-ho-kinh-doanh": dict(authority="district", intake="commune",
                                            workflow="commune-to-district", processing_days=3,
                                            template="household_business_certificate"),
    "cap-giay-phep-xay-dung-nha-o-rieng-le": dict(authority="district", workflow="district",
                                                  processing_days=15, template="building_permit"),
}


def design_example() -> dict:
    """The example of DESIGN.md §3, as the TOML reader returns it."""
    return {
        "code": "1.004873",
        "slug": "xac-nhan",
        "name": "Cấp Giấy xác nhận tình trạng hôn nhân",
        "name_en": "Marital status confirmation",
        "authority": "commune",
        "intake": "commune",
        "workflow": "commune",
        "online_level": 4,
        "processing_days": 3,
        "fee": 0,
        "result": {"template": "marital_status_certificate", "title": "Giấy xác nhận tình trạng hôn nhân"},
        "fields": [
            {"name": "full_name", "label": "Họ, chữ đệm và tên", "type": "text", "required": True,
             "max_length": 100},
            {"name": "purpose", "label": "Mục đích sử dụng", "type": "select",
             "choices": ["Kết hôn", "Bổ sung hồ sơ", "Khác"], "required": True},
            {"name": "pages", "label": "Số trang", "type": "integer", "required": True, "min": 1},
        ],
        "documents": [{"key": "id_card", "label": "Căn cước công dân", "required": True}],
    }


def failure(data, filename="xac-nhan.toml") -> ServiceError:
    with pytest.raises(ServiceError) as caught:
        parse(data, filename)
    error = caught.value
    assert error.file == filename
    assert str(error) == f"{filename}: {error.key}: {error.reason}"
    return error


# ---------------------------------------------------------------- shipped catalogue

def test_six_procedures_are_shipped():
    assert {p.stem for p in SHIPPED} >= set(EXPECTED)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_each_shipped_file_loads(path):
    service = load_file(path)
    assert isinstance(service, ServiceDef)
    assert service.slug == path.stem
    assert service.legal_basis and service.documents and service.description and service.sector
    assert len(service.fields) <= 14
    assert len(service.source_hash) == 64
    for key, value in EXPECTED.get(path.stem, {}).items():
        actual = service.result["template"] if key == "template" else getattr(service, key)
        assert actual == value, key
    for text in (service.name, service.description, *service.legal_basis, *(f.label for f in service.fields)):
        assert unicodedata.is_normalized("NFC", text)


def test_shipped_fees():
    by_slug = {s.slug: s for s in load_dir(default_directory())[0]}
    assert by_slug["dang-ky-khai-sinh"].fee == FixedFee(0)
    assert by_slug["xac-nhan-tinh-trang-hon-nhan"].fee.is_free
    assert by_slug["cap-giay-phep-xay-dung-nha-o-rieng-le"].fee == FixedFee(75000)
    assert by_slug["dang-ky-thanh-lap-ho-kinh-doanh"].fee == FixedFee(100000)
    assert by_slug["chung-thuc-ban-sao-tu-ban-chinh"].fee == PerPageFee(
        field="pages", copies_field="copies", first_pages=2, first_rate=2000, next_rate=1000, cap=200000)


def test_load_dir_of_the_shipped_catalogue_has_no_errors():
    services, errors = load_dir(default_directory())
    assert errors == []
    assert [s.slug for s in services] == [p.stem for p in SHIPPED]


# ---------------------------------------------------------------- round trips

@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_dict_round_trip_through_json(path):
    service = load_file(path)
    stored = json.loads(json.dumps(to_dict(service)))
    assert from_dict(stored) == service
    assert "source_hash" not in stored
    assert definition_hash(stored) == service.source_hash


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_toml_round_trip(path):
    service = load_file(path)
    exported = to_toml(service)
    assert load_text(exported, path.name) == service
    assert tomllib.loads(exported) == to_dict(service)
    # Written again from what it reads back, the file does not drift.
    assert to_toml(load_text(exported, path.name)) == exported


def test_toml_round_trip_of_awkward_text():
    data = design_example()
    data["description"] = 'Dòng 1 có "ngoặc kép" và \\ gạch chéo, chữ \\n thường\nDòng 2\tcó tab """ ba ngoặc'
    data["fields"][0]["label"] = 'Họ "và" tên \\ C:\\temp'
    data["fields"][0]["help"] = "Ghi theo “giấy tờ tùy thân” ‘đơn’"
    service = parse(data, "xac-nhan.toml")
    again = load_text(to_toml(service), "xac-nhan.toml")
    assert again == service
    assert again.description == data["description"]


def test_optional_keys_can_be_left_out():
    data = design_example()
    del data["documents"], data["name_en"]
    service = parse(data, "xac-nhan.toml")
    assert service.documents == () and service.name_en is None and service.sector is None
    assert service.display_name("en") == service.name
    assert load_text(to_toml(service), "xac-nhan.toml") == service


# ---------------------------------------------------------------- normalization and hashing

def test_nfd_input_is_stored_nfc():
    nfd = design_example()
    nfd["name"] = unicodedata.normalize("NFD", nfd["name"])
    nfd["fields"][1]["choices"] = [unicodedata.normalize("NFD", c) for c in nfd["fields"][1]["choices"]]
    assert nfd["name"] != design_example()["name"]
    service = parse(nfd, "xac-nhan.toml")
    assert service.name == "Cấp Giấy xác nhận tình trạng hôn nhân"
    assert service.fields[1].choices == ("Kết hôn", "Bổ sung hồ sơ", "Khác")
    assert service == parse(design_example(), "xac-nhan.toml")


def test_hash_ignores_layout_but_not_meaning():
    path = default_directory() / "dang-ky-khai-sinh.toml"
    text = path.read_text(encoding="utf-8")
    original = load_file(path)
    relaid = load_text("# một chú thích mới\n\n" + text.replace("fee = 0", "fee    =    0"), path.name)
    assert relaid.source_hash == original.source_hash
    one_day_more = re.sub(r"(?m)^processing_days = (\d+)$",
                          lambda m: f"processing_days = {int(m.group(1)) + 1}", text, count=1)
    assert one_day_more != text
    changed = load_text(one_day_more, path.name)
    assert changed.source_hash != original.source_hash


def test_services_are_hashable_by_definition():
    first, second = parse(design_example(), "xac-nhan.toml"), parse(design_example(), "xac-nhan.toml")
    assert first is not second and len({first, second}) == 1
    assert hash(first) == hash(from_dict(to_dict(first)))


def test_whitespace_around_text_is_trimmed():
    data = design_example()
    data["name"] = "  Cấp Giấy xác nhận tình trạng hôn nhân \n"
    assert parse(data, "xac-nhan.toml").name == "Cấp Giấy xác nhận tình trạng hôn nhân"


# ---------------------------------------------------------------- errors: one per kind

def mutate(change):
    data = design_example()
    change(data)
    return data


ERROR_CASES = [
    ("missing key", lambda d: d.pop("name"), "name", "thiếu khóa bắt buộc"),
    ("missing field key", lambda d: d["fields"][1].pop("label"), "fields[1].label", "thiếu khóa bắt buộc"),
    ("wrong type", lambda d: d.update(processing_days="3"), "processing_days",
     "phải là số nguyên, nhận được chuỗi"),
    ("float days", lambda d: d.update(processing_days=1.5), "processing_days", "số thực"),
    ("negative days", lambda d: d.update(processing_days=-1), "processing_days", "lớn hơn hoặc bằng 0"),
    ("wrong type name", lambda d: d.update(name=5), "name", "phải là chuỗi ký tự"),
    ("empty name", lambda d: d.update(name="   "), "name", "không được để trống"),
    ("multi-line name", lambda d: d.update(name="Dòng 1\nDòng 2"), "name", "xuống dòng"),
    ("unknown field type", lambda d: d["fields"][2].update(type="string"), "fields[2].type",
     "kiểu trường không hợp lệ 'string' (chỉ nhận một trong: text, textarea, date"),
    ("duplicate field", lambda d: d["fields"][2].update(name="full_name"), "fields[2].name",
     "'full_name' bị trùng (đã có ở fields[0])"),
    ("duplicate document", lambda d: d["documents"].append({"key": "id_card", "label": "Khác"}),
     "documents[1].key", "bị trùng"),
    ("bad slug", lambda d: d.update(slug="Xac_Nhan"), "slug", "chỉ gồm chữ thường"),
    ("slug is not the file stem", lambda d: d.update(slug="xac-nhan-khac"), "slug", "phải trùng với tên tệp"),
    ("unknown top-level key", lambda d: d.update(nmae="x"), "nmae",
     "khóa không được hỗ trợ (có phải là 'name'?)"),
    ("unknown field key", lambda d: d["fields"][0].update(requried=True), "fields[0].requried",
     "có phải là 'required'?"),
    ("unknown result key", lambda d: d["result"].update(tempalte="x"), "result.tempalte",
     "không được hỗ trợ"),
    ("missing result title", lambda d: d["result"].pop("title"), "result.title", "thiếu khóa bắt buộc"),
    ("bad level", lambda d: d.update(authority="ward"), "authority",
     "cấp không hợp lệ 'ward' (chỉ nhận một trong: commune, district, province)"),
    ("intake above authority", lambda d: d.update(intake="province"), "intake", "không thể cao hơn"),
    ("online level", lambda d: d.update(online_level=2), "online_level", "chỉ nhận một trong: 3, 4"),
    ("online level bool", lambda d: d.update(online_level=True), "online_level", "phải là số nguyên"),
    ("empty workflow", lambda d: d.update(workflow=""), "workflow", "không được để trống"),
    ("bad code", lambda d: d.update(code="ABC"), "code", "mã thủ tục"),
    ("select without choices", lambda d: d["fields"][1].pop("choices"), "fields[1].choices", "bắt buộc"),
    ("empty choices", lambda d: d["fields"][1].update(choices=[]), "fields[1].choices", "không rỗng"),
    ("duplicate choice", lambda d: d["fields"][1].update(choices=["A", "A"]), "fields[1].choices[1]",
     "bị trùng"),
    ("choices on text", lambda d: d["fields"][0].update(choices=["A"]), "fields[0].choices",
     "select hoặc radio"),
    ("field name not identifier", lambda d: d["fields"][0].update(name="full name"), "fields[0].name",
     "tên trường"),
    ("reserved field name", lambda d: d["fields"][0].update(name="data"), "fields[0].name", "dành riêng"),
    ("unknown prefill", lambda d: d["fields"][0].update(prefill="birthday"), "fields[0].prefill",
     "thuộc tính hồ sơ không hợp lệ 'birthday'"),
    ("prefill type", lambda d: d["fields"][0].update(prefill="date_of_birth"), "fields[0].prefill",
     "không điền được vào trường kiểu text"),
    ("max_length on integer", lambda d: d["fields"][2].update(max_length=3), "fields[2].max_length",
     "chỉ dùng cho kiểu"),
    ("min above max", lambda d: d["fields"][2].update(min=5, max=2), "fields[2].max",
     "lớn hơn hoặc bằng min"),
    ("min on text", lambda d: d["fields"][0].update(min=1), "fields[0].min", "chỉ dùng cho kiểu integer"),
    ("required not bool", lambda d: d["fields"][0].update(required="yes"), "fields[0].required",
     "true hoặc false"),
    ("fields not a list", lambda d: d.update(fields={"name": "x"}), "fields", "danh sách bảng"),
    ("no fields", lambda d: d.update(fields=[]), "fields", "ít nhất một trường"),
    ("field not a table", lambda d: d["fields"].append("x"), "fields[3]", "phải là bảng"),
    ("legal basis not a list", lambda d: d.update(legal_basis="Luật"), "legal_basis", "danh sách"),
    ("control character", lambda d: d.update(description="a\x00b"), "description", "ký tự điều khiển"),
    ("bad fee", lambda d: d.update(fee=-100), "fee", "không âm"),
    ("fee on a missing field", lambda d: d.update(fee={"kind": "per_page", "field": "trang", "next_rate": 1}),
     "fee.field", "không có trường 'trang'"),
    ("fee on a text field",
     lambda d: d.update(fee={"kind": "per_page", "field": "full_name", "next_rate": 1}),
     "fee.field", "type = \"integer\""),
    ("fee on an optional field",
     lambda d: (d["fields"][2].update(required=False),
                d.update(fee={"kind": "per_page", "field": "pages", "next_rate": 1})),
     "fee.field", "required = true"),
]


@pytest.mark.parametrize("change, key, reason", [case[1:] for case in ERROR_CASES],
                         ids=[case[0] for case in ERROR_CASES])
def test_each_kind_of_error_names_file_key_and_reason(change, key, reason):
    error = failure(mutate(change))
    assert error.key == key
    assert reason in error.reason


def test_design_example_is_valid():
    service = parse(design_example(), "xac-nhan.toml")
    assert service.field("purpose").choices == ("Kết hôn", "Bổ sung hồ sơ", "Khác")
    assert service.document("id_card").required is True


def test_from_dict_does_not_check_the_file_name():
    data = design_example()
    data["slug"] = "ten-khac"
    assert from_dict(data).slug == "ten-khac"


def test_from_dict_refuses_an_invalid_definition():
    data = design_example()
    data["online_level"] = 5
    with pytest.raises(ServiceError) as caught:
        from_dict(data)
    assert caught.value.key == "online_level"


# ---------------------------------------------------------------- files

def test_toml_syntax_error_names_line(tmp_path):
    path = tmp_path / "hong.toml"
    path.write_text('code = "1.000001"\nslug = "hong"\nname = \n', encoding="utf-8")
    with pytest.raises(ServiceError) as caught:
        load_file(path)
    assert caught.value.file == "hong.toml"
    assert caught.value.key == "(syntax)"
    assert "line 3" in caught.value.reason


def test_file_that_is_not_utf8_is_reported(tmp_path):
    path = tmp_path / "latin.toml"
    path.write_bytes('name = "Đăng ký"'.encode("utf-16"))
    with pytest.raises(ServiceError) as caught:
        load_file(path)
    assert (caught.value.file, caught.value.key) == ("latin.toml", "(encoding)")


def test_utf8_bom_is_accepted(tmp_path):
    source = default_directory() / "dang-ky-khai-tu.toml"
    path = tmp_path / source.name
    path.write_bytes(b"\xef\xbb\xbf" + source.read_bytes())
    assert load_file(path) == load_file(source)


def test_missing_file_is_a_service_error(tmp_path):
    with pytest.raises(ServiceError) as caught:
        load_file(tmp_path / "khong-co.toml")
    assert caught.value.key == "(file)"


def test_load_dir_keeps_good_files_and_reports_bad_ones(tmp_path):
    for name in ("dang-ky-khai-sinh.toml", "dang-ky-khai-tu.toml"):
        shutil.copy(default_directory() / name, tmp_path / name)
    (tmp_path / "cu-phap-hong.toml").write_text("slug = [", encoding="utf-8")
    (tmp_path / "kieu-sai.toml").write_text(
        to_toml(load_file(default_directory() / "dang-ky-khai-tu.toml")).replace(
            'slug = "dang-ky-khai-tu"', 'slug = "kieu-sai"').replace('"1.000656"', '"1.999999"').replace(
            'type = "text"', 'type = "string"', 1), encoding="utf-8")
    same_code = (default_directory() / "dang-ky-khai-sinh.toml").read_text(encoding="utf-8").replace(
        'slug = "dang-ky-khai-sinh"', 'slug = "zz-trung-ma"')
    (tmp_path / "zz-trung-ma.toml").write_text(same_code, encoding="utf-8")
    (tmp_path / "README.md").write_text("không phải thủ tục", encoding="utf-8")

    services, errors = load_dir(tmp_path)

    assert [s.slug for s in services] == ["dang-ky-khai-sinh", "dang-ky-khai-tu"]
    assert [(e.file, e.key) for e in errors] == [
        ("cu-phap-hong.toml", "(syntax)"),
        ("kieu-sai.toml", "fields[0].type"),
        ("zz-trung-ma.toml", "code"),
    ]
    assert "dang-ky-khai-sinh.toml" in errors[2].reason


def test_service_error_survives_pickling():
    error = ServiceError("a.toml", "fields[0].type", "lý do")
    again = pickle.loads(pickle.dumps(error))
    assert (again.file, again.key, again.reason) == (error.file, error.key, error.reason)
    assert str(again) == "a.toml: fields[0].type: lý do"


def test_parse_does_not_modify_its_input():
    data = design_example()
    before = copy.deepcopy(data)
    parse(data, "xac-nhan.toml")
    assert data == before
