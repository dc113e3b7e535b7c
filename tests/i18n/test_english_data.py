"""The catalogue's data in English: the optional `*_en` keys of a service file (DESIGN.md §3 allows optional
keys), filled for every shipped service, field, choice, document and sector, and every workflow state and
action; shown on English pages, while the stored answer and the Vietnamese pages stay as they were."""
import pytest

from services import ServiceError
from services.loader import default_directory, from_dict, load_dir, load_text, to_dict
from tests.factories import login, make_application
from tests.i18n.conftest import page_text, switch_language

SERVICES, ERRORS = load_dir(default_directory())

MINIMAL = '''
code = "1.000001"
slug = "thu"
name = "Thử"
authority = "commune"
intake = "commune"
workflow = "commune"
online_level = 3
processing_days = 1
fee = 0
result = {{ title = "Kết quả", title_en = "Result" }}

[[fields]]
name = "sex"
label = "Giới tính"
type = "radio"
choices = ["Nam", "Nữ"]
{choices_en}
'''


def test_the_shipped_catalogue_loads():
    assert ERRORS == [] and len(SERVICES) >= 6


@pytest.mark.parametrize("service", SERVICES, ids=lambda s: s.slug)
def test_every_shipped_text_has_its_english(service):
    assert service.name_en and service.result.get("title_en")
    assert not service.sector or service.sector_en
    assert not service.description or service.description_en
    for field in service.fields:
        assert field.label_en, field.name
        assert not field.help or field.help_en, field.name
        assert len(field.choices_en) == len(field.choices), field.name
    for document in service.documents:
        assert document.label_en, document.key
        assert not document.note or document.note_en, document.key


def test_every_workflow_state_and_action_has_its_english(app):
    from portal.workflows_registry import all_workflows
    for workflow in all_workflows().values():
        assert workflow.title_en, workflow.name
        assert all(state.label_en for state in workflow.states.values()), workflow.name
        assert all(t.label_en for t in workflow.transitions), workflow.name


def test_choices_en_round_trips_and_translates_only_the_label():
    service = load_text(MINIMAL.format(choices_en='choices_en = ["Male", "Female"]'), "thu.toml")
    assert from_dict(to_dict(service)) == service
    sex = service.field("sex")
    assert sex.choices == ("Nam", "Nữ") and sex.choices_en == ("Male", "Female")
    assert (sex.display_choice("Nữ", "en"), sex.display_choice("Nữ", "vi")) == ("Female", "Nữ")
    assert sex.display_choice("Khác", "en") == "Khác"  # not a choice (an old answer): as stored
    assert service.result["title_en"] == "Result"


def test_a_file_without_english_keys_keeps_its_hash():
    """Adding optional keys to the format does not make a new version of a file that does not use them."""
    service = load_text(MINIMAL.format(choices_en=""), "thu.toml")
    assert "choices_en" not in to_dict(service)["fields"][0]
    assert not any(key.endswith("_en") for key in to_dict(service) if key != "name_en")


@pytest.mark.parametrize("line, key", [
    ('choices_en = ["Male"]', "fields[0].choices_en"),
    ('choices_en = "Male"', "fields[0].choices_en"),
    ('choices_en = ["Male", ""]', "fields[0].choices_en[1]"),
])
def test_a_bad_choices_en_is_refused_naming_the_key(line, key):
    with pytest.raises(ServiceError) as refused:
        load_text(MINIMAL.format(choices_en=line), "thu.toml")
    assert refused.value.key == key


def test_the_english_form_offers_english_choices_and_stores_the_vietnamese(client, db, demo):
    login(client, "citizen@demo.vn")
    switch_language(client, "en", from_page="/thu-tuc/dang-ky-khai-sinh/nop-ho-so")
    text = page_text(client, "/thu-tuc/dang-ky-khai-sinh/nop-ho-so")
    assert 'value="Nữ"' in text and "Female" in text and "Nữ</label>" not in text
    assert "Grandparent" in text and ">Ông, bà<" not in text
    assert "Name and address of the hospital or clinic" in text  # a field's help_en
    assert "The original issued by the hospital or clinic" in text  # a document's note_en


def test_the_english_application_page_shows_the_choice_in_english(client, db, demo):
    application = make_application(db, demo.citizen)  # answers are the first choices: "Nam", "Cha"
    assert application.data["child_sex"] == "Nam"
    login(client, "citizen@demo.vn")
    switch_language(client, "en", from_page=f"/ho-so/{application.id}")
    text = page_text(client, f"/ho-so/{application.id}")
    assert ">Male<" in text and ">Father<" in text
    vietnamese = page_text_vi(client, application)
    assert ">Nam<" in vietnamese and ">Cha<" in vietnamese


def page_text_vi(client, application):
    switch_language(client, "vi", from_page=f"/ho-so/{application.id}")
    return page_text(client, f"/ho-so/{application.id}")


def test_the_service_page_in_english_marks_what_stays_vietnamese(client, demo):
    switch_language(client, "en", from_page="/thu-tuc/dang-ky-khai-sinh")
    text = page_text(client, "/thu-tuc/dang-ky-khai-sinh")
    assert "Civil status" in text and "Hộ tịch</span>" not in text
    assert "Registration of a child's birth" in text and "Đăng ký khai sinh cho trẻ em" not in text
    assert '<ul lang="vi"><li>Luật Hộ tịch số 60/2014/QH13' in text
    assert '<span lang="vi">Ủy ban nhân dân xã Tam Hồng</span>' in text
    assert "Birth certificate" in text


def test_vietnamese_pages_are_unchanged(client, demo):
    text = page_text(client, "/thu-tuc/dang-ky-khai-sinh")
    assert "Hộ tịch" in text and "Đăng ký khai sinh cho trẻ em" in text and "Giấy khai sinh" in text
    assert "Civil status" not in text and "Registration of a child" not in text
    # The page is lang="vi" as a whole: nothing inside it needs marking.
    assert text.count('lang="vi"') == 1


def test_sectors_in_english_on_the_home_page_and_the_catalogue(client, demo):
    switch_language(client, "en")
    for url in ("/", "/thu-tuc"):
        text = page_text(client, url)
        for english in ("Civil status", "Certification", "Construction", "Household businesses"):
            assert english in text, (url, english)
    # The filter's value stays the Vietnamese sector, so a link keeps working in both languages.
    assert "/thu-tuc?sector=H%E1%BB%99+t%E1%BB%8Bch" in page_text(client, "/")
