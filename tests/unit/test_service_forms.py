import datetime
import unicodedata

import pytest
import wtforms
from wtforms.csrf.session import SessionCSRF

from services.forms import (FORM_ERROR_KEY, build_form_class, form_field_names, normalize_phone, prefill_data,
                            serialize, validate_data)
from services.loader import default_directory, load_dir, parse


def every_type_service():
    """One field of each type, the optional ones beside required ones."""
    fields = [
        {"name": "full_name", "label": "Họ và tên", "label_en": "Full name", "type": "text", "required": True,
         "max_length": 10, "prefill": "full_name"},
        {"name": "story", "label": "Trình bày", "type": "textarea", "required": False},
        {"name": "born", "label": "Ngày sinh", "label_en": "Date of birth", "type": "date", "required": True,
         "prefill": "date_of_birth"},
        {"name": "pages", "label": "Số trang", "type": "integer", "required": True, "min": 1, "max": 100},
        {"name": "purpose", "label": "Mục đích", "type": "select", "required": True,
         "choices": ["Kết hôn", "Khác"]},
        {"name": "sex", "label": "Giới tính", "type": "radio", "required": False, "choices": ["Nam", "Nữ"]},
        {"name": "agree", "label": "Tôi cam đoan", "type": "checkbox", "required": True},
        {"name": "basement", "label": "Có tầng hầm", "type": "checkbox", "required": False},
        {"name": "email", "label": "Thư điện tử", "type": "email", "required": False, "prefill": "email"},
        {"name": "phone", "label": "Số điện thoại", "type": "phone", "required": True, "prefill": "phone"},
        {"name": "national_id", "label": "Số định danh cá nhân", "type": "national_id", "required": True},
    ]
    return parse({
        "code": "9.000001", "slug": "thu-nghiem", "name": "Thủ tục thử nghiệm", "authority": "commune",
        "intake": "commune", "workflow": "commune", "online_level": 4, "processing_days": 1, "fee": 0,
        "result": {"template": "test", "title": "Kết quả"}, "fields": fields,
    }, "thu-nghiem.toml")


SERVICE = every_type_service()

VALID = {
    "full_name": "Nguyễn An",
    "born": "1990-05-17",
    "pages": 3,
    "purpose": "Kết hôn",
    "agree": True,
    "phone": "0912345678",
    "national_id": "001090012345",
}


class FormData(dict):
    """What a web framework hands WTForms: strings by field name, read with getlist."""

    def getlist(self, key):
        value = self.get(key)
        return [] if value is None else [value]


def check(**changes):
    data = {**VALID, **changes}
    return validate_data(SERVICE, {k: v for k, v in data.items() if v is not ...})


def test_valid_data_is_cleaned():
    clean, errors = check(full_name="  Nguyễn An ", story=" a\r\nb ", pages="3", sex="Nữ", basement=False,
                          email="an@example.vn", phone="+84 912 345 678")
    assert errors == {}
    assert clean == {
        "full_name": "Nguyễn An", "story": "a\nb", "born": "1990-05-17", "pages": 3, "purpose": "Kết hôn",
        "sex": "Nữ", "agree": True, "basement": False, "email": "an@example.vn", "phone": "0912345678",
        "national_id": "001090012345",
    }


def test_clean_data_validates_again_unchanged():
    # The portal stores the clean data and validates it again on submission.
    clean, _ = check(story="Nội dung", sex="Nam", email="an@example.vn", phone="+84912345678")
    assert validate_data(SERVICE, clean) == (clean, {})


def test_empty_optional_values_are_none():
    clean, errors = check(story="   ", sex="", email="")
    assert errors == {}
    assert clean["story"] is None and clean["sex"] is None and clean["email"] is None
    assert clean["basement"] is False


# ---------------------------------------------------------------- every type, valid and invalid

@pytest.mark.parametrize("name, value, message", [
    ("full_name", ..., "Vui lòng nhập họ và tên."),
    ("full_name", "   ", "Vui lòng nhập họ và tên."),
    ("full_name", "Nguyễn Văn Anh", "Họ và tên không được dài quá 10 ký tự."),
    ("story", "x" * 4001, "Trình bày không được dài quá 4000 ký tự."),
    ("born", "2026-02-30", "Ngày không hợp lệ (định dạng năm-tháng-ngày, ví dụ 2026-02-28)."),
    ("born", "2026-2-3", "Ngày không hợp lệ"),
    ("born", "30/01/2026", "Ngày không hợp lệ"),
    ("born", "2026-13-01", "Ngày không hợp lệ"),
    ("born", ..., "Vui lòng nhập ngày sinh."),
    ("pages", "3.0", "Số trang phải là số nguyên."),
    ("pages", "1e3", "Số trang phải là số nguyên."),
    ("pages", "ba", "Số trang phải là số nguyên."),
    ("pages", 0, "Số trang phải từ 1 đến 100."),
    ("pages", 101, "Số trang phải từ 1 đến 100."),
    ("pages", 3.5, "Giá trị phải là số nguyên."),
    ("pages", True, "Giá trị phải là số nguyên."),
    ("purpose", "", "Vui lòng chọn mục đích."),
    ("purpose", ..., "Vui lòng chọn mục đích."),
    ("purpose", "Mua nhà", "Vui lòng chọn một giá trị trong danh sách."),
    ("sex", "Khác", "Vui lòng chọn một giá trị trong danh sách."),
    ("agree", False, "Vui lòng đánh dấu xác nhận “Tôi cam đoan”."),
    ("agree", ..., "Vui lòng đánh dấu xác nhận “Tôi cam đoan”."),
    ("agree", "yes", "Giá trị phải là true hoặc false."),
    ("email", "an@", "Địa chỉ thư điện tử không hợp lệ."),
    ("email", "an nguyen@example.vn", "Địa chỉ thư điện tử không hợp lệ."),
    ("phone", "0212345678", "Số điện thoại di động không hợp lệ"),
    ("phone", "091234567", "Số điện thoại di động không hợp lệ"),
    ("phone", "84912345678", "Số điện thoại di động không hợp lệ"),
    ("phone", "+8491234567", "Số điện thoại di động không hợp lệ"),
    ("phone", "+840912345678", "Số điện thoại di động không hợp lệ"),
    ("phone", 912345678, "Giá trị phải là chuỗi ký tự."),
    ("national_id", "00109001234", "Số định danh cá nhân gồm đúng 12 chữ số."),
    ("national_id", "0010900123456", "Số định danh cá nhân gồm đúng 12 chữ số."),
    ("national_id", "00109001234a", "Số định danh cá nhân gồm đúng 12 chữ số."),
    ("national_id", "００１０９００１２３４５", "Số định danh cá nhân gồm đúng 12 chữ số."),
    ("national_id", ..., "Vui lòng nhập số định danh cá nhân."),
])
def test_invalid_values_get_one_vietnamese_message(name, value, message):
    clean, errors = check(**{name: value})
    assert list(errors) == [name]
    assert len(errors[name]) == 1 and errors[name][0].startswith(message)
    assert name not in clean


@pytest.mark.parametrize("name, value, expected", [
    ("born", "2024-02-29", "2024-02-29"),
    ("pages", " 7 ", 7),
    ("pages", "+7", 7),
    ("pages", 100, 100),
    ("phone", "0912345678", "0912345678"),
    ("phone", "+84912345678", "0912345678"),
    ("phone", "+84 912 345 678", "0912345678"),
    ("phone", "091.234.5678", "0912345678"),
    ("phone", "0312-345-678", "0312345678"),
    ("phone", "0587654321", "0587654321"),
    ("phone", "0712345678", "0712345678"),
    ("phone", "0812345678", "0812345678"),
    ("national_id", " 001090012345 ", "001090012345"),
    ("purpose", unicodedata.normalize("NFD", "Kết hôn"), "Kết hôn"),
    ("full_name", unicodedata.normalize("NFD", "Lê Thị Ánh"), "Lê Thị Ánh"),
    ("email", " an.nguyen@example.vn ", "an.nguyen@example.vn"),
])
def test_valid_values_are_normalized(name, value, expected):
    clean, errors = check(**{name: value})
    assert errors == {}
    assert clean[name] == expected
    assert not isinstance(clean[name], str) or unicodedata.is_normalized("NFC", clean[name])


def test_unknown_keys_are_ignored_and_never_returned():
    clean, errors = check(is_admin=True, fee=0, __proto__={"x": 1})
    assert errors == {}
    assert set(clean) == set(form_field_names(SERVICE))


@pytest.mark.parametrize("payload", [None, [], "full_name=An", 5])
def test_payload_that_is_not_an_object(payload):
    message = "Dữ liệu biểu mẫu phải là một đối tượng JSON."
    assert validate_data(SERVICE, payload) == ({}, {FORM_ERROR_KEY: [message]})


def test_partial_validation_skips_missing_required_values_only():
    clean, errors = validate_data(SERVICE, {"full_name": "An", "phone": "123"}, partial=True)
    assert list(errors) == ["phone"]
    assert clean["full_name"] == "An"


def test_english_messages_and_labels():
    clean, errors = validate_data(SERVICE, {**VALID, "full_name": "", "pages": 0}, locale="en")
    assert errors == {"full_name": ["Please enter full name."],
                      "pages": ["Số trang must be between 1 and 100."]}


def test_normalize_phone_leaves_other_numbers_for_the_validator():
    assert normalize_phone("+84 912 345 678") == "0912345678"
    assert normalize_phone("+1 202 555 0100") == "+12025550100"


# ---------------------------------------------------------------- the WTForms class

def test_form_class_has_one_field_per_definition_in_order():
    form = build_form_class(SERVICE)()
    assert [field.name for field in form] == form_field_names(SERVICE) == [f.name for f in SERVICE.fields]
    assert isinstance(form.born, wtforms.DateField) and isinstance(form.pages, wtforms.IntegerField)
    assert isinstance(form.purpose, wtforms.SelectField) and isinstance(form.sex, wtforms.RadioField)
    assert isinstance(form.agree, wtforms.BooleanField)


def test_labels_follow_the_locale():
    vi, en = build_form_class(SERVICE)(), build_form_class(SERVICE, locale="en")()
    assert vi.full_name.label.text == "Họ và tên"
    assert en.full_name.label.text == "Full name"
    assert en.pages.label.text == "Số trang"  # no label_en: the Vietnamese label stays


def test_rendered_inputs_carry_html5_hints():
    form = build_form_class(SERVICE)()
    assert 'type="date"' in form.born() and "required" in form.born()
    assert 'min="1"' in form.pages() and 'max="100"' in form.pages()
    assert 'maxlength="10"' in form.full_name()
    assert 'type="tel"' in form.phone() and 'type="email"' in form.email()
    assert '<option value="">— Chọn —</option>' in form.purpose()


def test_form_validates_posted_strings_and_serializes():
    posted = FormData({**{k: str(v) for k, v in VALID.items()}, "agree": "y", "basement": "y",
                       "phone": "+84912345678"})
    form = build_form_class(SERVICE)(formdata=posted)
    assert form.validate(), form.errors
    data = serialize(form)
    assert data["born"] == "1990-05-17" and data["pages"] == 3
    assert data["agree"] is True and data["basement"] is True
    assert data["phone"] == "0912345678" and data["sex"] is None


def test_form_refuses_an_impossible_date():
    posted = FormData({**{k: str(v) for k, v in VALID.items()}, "agree": "y", "born": "2026-02-30"})
    form = build_form_class(SERVICE)(formdata=posted)
    assert not form.validate()
    assert list(form.errors) == ["born"]


class SessionCsrfForm(wtforms.Form):
    """Stands in for FlaskForm: a wtforms.Form subclass adding a csrf_token field."""

    class Meta:
        csrf = True
        csrf_class = SessionCSRF
        csrf_secret = b"test secret"
        csrf_time_limit = None


def test_a_csrf_base_class_keeps_its_protection():
    session = {}
    form_class = build_form_class(SERVICE, base=SessionCsrfForm)
    assert issubclass(form_class, SessionCsrfForm)
    token = form_class(meta={"csrf_context": session}).csrf_token.current_token
    posted = {**{k: str(v) for k, v in VALID.items()}, "agree": "y"}

    good = form_class(formdata=FormData({**posted, "csrf_token": token}), meta={"csrf_context": session})
    assert good.validate(), good.errors
    assert "csrf_token" not in serialize(good)

    forged = form_class(formdata=FormData({**posted, "csrf_token": "forged"}), meta={"csrf_context": session})
    assert not forged.validate()
    assert list(forged.errors) == ["csrf_token"]


def test_prefill_data_from_a_profile():
    profile = {"full_name": "Trần Bình", "date_of_birth": "1985-01-02", "phone": "0987654321", "email": "",
               "address": "Tam Hồng"}
    values = prefill_data(SERVICE, profile)
    assert values == {"full_name": "Trần Bình", "born": datetime.date(1985, 1, 2), "phone": "0987654321"}
    form = build_form_class(SERVICE)(data=values)
    assert form.born.data == datetime.date(1985, 1, 2) and form.full_name.data == "Trần Bình"


# ---------------------------------------------------------------- shipped services

SHIPPED = load_dir(default_directory())[0]


@pytest.mark.parametrize("service", SHIPPED, ids=lambda s: s.slug)
@pytest.mark.parametrize("locale", ["vi", "en"])
def test_every_shipped_service_builds_a_form(service, locale):
    form = build_form_class(service, locale=locale)()
    assert [field.name for field in form] == form_field_names(service)
    for field in form:
        field()  # renders
    _, errors = validate_data(service, {}, locale=locale)
    assert set(errors) == {f.name for f in service.fields if f.required}


def test_birth_registration_accepts_a_realistic_application():
    birth = next(s for s in SHIPPED if s.slug == "dang-ky-khai-sinh")
    clean, errors = validate_data(birth, {
        "child_full_name": "Nguyễn Minh Khôi", "child_sex": "Nam", "child_date_of_birth": "2026-01-15",
        "child_place_of_birth": "Bệnh viện Sản Nhi tỉnh Vĩnh Phúc", "child_ethnicity": "Kinh",
        "child_nationality": "Việt Nam", "child_hometown": "Tam Hồng, Yên Lạc, Vĩnh Phúc",
        "mother_full_name": "Trần Thị Lan", "mother_national_id": "026190001234",
        "requester_full_name": "Trần Thị Lan", "requester_national_id": "026190001234",
        "requester_relationship": "Mẹ",
    })
    assert errors == {}
    assert clean["father_full_name"] is None and clean["child_date_of_birth"] == "2026-01-15"
    assert birth.fee.compute(clean) == 0


def test_certified_copy_fee_from_validated_data():
    copy = next(s for s in SHIPPED if s.slug == "chung-thuc-ban-sao-tu-ban-chinh")
    clean, errors = validate_data(copy, {
        "requester_full_name": "Lê Văn Hùng", "requester_national_id": "026085004321",
        "requester_phone": "0961234567", "document_title": "Bằng tốt nghiệp trung học phổ thông",
        "document_issuer": "Sở Giáo dục và Đào tạo tỉnh Vĩnh Phúc", "pages": "3", "copies": "2",
        "delivery": "Nhận tại Bộ phận Một cửa",
    })
    assert errors == {}
    assert copy.fee.compute(clean) == 10000


def test_checking_builds_one_form_class_per_definition_and_language(monkeypatch):
    import services.forms as forms
    built = []
    real = forms.build_form_class
    monkeypatch.setattr(forms, "build_form_class", lambda *a, **k: built.append(a) or real(*a, **k))
    service = every_type_service()  # a definition this process has not checked yet
    first = forms.check_data(service, {"full_name": "Nguyễn An"}, complete=False)
    second = forms.check_data(service, {"full_name": ""}, complete=True)
    forms.check_data(service, {}, locale="en", complete=False)
    assert len(built) == 2  # vi once, en once
    # The class is shared, the forms are not: each check sees only its own data.
    assert first.clean["full_name"] == "Nguyễn An" and "full_name" not in first.errors
    assert "full_name" in second.errors
