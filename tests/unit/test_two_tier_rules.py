"""The pure parts of the 2025 structure: one supplement request per agency in the liên thông workflow, and
the service-file keys that say how a service runs where the district is gone."""
import pytest

from services import ServiceError
from services.loader import default_directory, load_file, load_text, to_dict, to_toml
from workflows import DEFINITIONS_DIR
from workflows.engine import Facts, NotAllowed, load_workflow

AT_UNIT = frozenset({"current", "any"})
NOTE = {"note": "Thiếu giấy tờ."}


@pytest.fixture(scope="module")
def liaison():
    return load_workflow(DEFINITIONS_DIR / "commune-to-district.toml")


def test_each_agency_may_ask_for_a_supplement_once(liaison):
    # the commune asked; the application is now at the district, which has not
    district_turn = Facts(received=True, working_days_left=3, fired={"request_supplement": 1},
                          fired_here={})
    decision = liaison.decide("processing", "request_supplement", "handler", AT_UNIT, district_turn, NOTE)
    assert decision.to_state == "supplement_requested"
    # the district asked too: its second request is refused with the rule
    spent = Facts(received=True, working_days_left=3, fired={"request_supplement": 2},
                  fired_here={"request_supplement": 1})
    with pytest.raises(NotAllowed) as refused:
        liaison.decide("processing", "request_supplement", "receiver", AT_UNIT, spent, NOTE)
    assert refused.value.code == "condition"
    assert "Mỗi cơ quan chỉ được yêu cầu bổ sung, hoàn thiện hồ sơ một lần" in refused.value.message
    assert "request_supplement" not in {t.action for t in liaison.actions("processing", "handler", AT_UNIT, spent)}


def test_the_same_day_services_have_zero_processing_days():
    for slug in ("dang-ky-khai-sinh", "dang-ky-khai-tu", "chung-thuc-ban-sao-tu-ban-chinh"):
        assert load_file(default_directory() / f"{slug}.toml").processing_days == 0, slug


def _marital_status_text():
    return (default_directory() / "xac-nhan-tinh-trang-hon-nhan.toml").read_text(encoding="utf-8")


def test_result_without_template_is_valid_and_keeps_its_title():
    text = _marital_status_text().replace(
        'result = { template = "marital_status_certificate", title = "Giấy xác nhận tình trạng hôn nhân", '
        'title_en = "Marital status certificate" }',
        'result = { title = "Giấy xác nhận tình trạng hôn nhân" }')
    service = load_text(text, "xac-nhan-tinh-trang-hon-nhan.toml")
    assert service.result == {"title": "Giấy xác nhận tình trạng hôn nhân"}
    assert load_text(to_toml(service), "xac-nhan-tinh-trang-hon-nhan.toml") == service
    no_title = text.replace('result = { title = "Giấy xác nhận tình trạng hôn nhân" }', 'result = { }')
    with pytest.raises(ServiceError) as refused:
        load_text(no_title, "xac-nhan-tinh-trang-hon-nhan.toml")
    assert refused.value.key == "result.title"


def test_local_and_transfer_workflows_are_read_and_written():
    business = load_file(default_directory() / "dang-ky-thanh-lap-ho-kinh-doanh.toml")
    assert (business.workflow, business.local_workflow, business.transfer_workflow) == (
        "commune-to-district", "commune", None)
    permit = load_file(default_directory() / "cap-giay-phep-xay-dung-nha-o-rieng-le.toml")
    assert (permit.authority, permit.workflow, permit.transfer_workflow) == (
        "district", "district", "commune-to-district")
    assert to_dict(permit)["transfer_workflow"] == "commune-to-district" and "local_workflow" not in to_dict(permit)
    assert load_text(to_toml(permit), permit.slug + ".toml") == permit
    bad = _marital_status_text().replace('workflow = "commune"\n', 'workflow = "commune"\nlocal_workflow = "Xã"\n')
    with pytest.raises(ServiceError) as refused:
        load_text(bad, "xac-nhan-tinh-trang-hon-nhan.toml")
    assert refused.value.key == "local_workflow"
