"""Level 4: downloading the signed result is the citizen's receipt of it; nobody else's download is."""
from portal.documents.receipt_online import record_online_receipt
from portal.ratings.delivery import request_postal_delivery

TH = "tam-hong"


def _result_ready(flow, demo, service="dang-ky-khai-sinh"):
    flow.submitted(service_slug=service, unit_slug=TH)
    flow.fire("accept", demo.staff("receiver", TH))
    flow.fire("submit_for_approval", demo.staff("handler", TH))
    flow.fire("approve", demo.staff("leader", TH))
    [result] = flow.documents("result")
    return result


def test_the_applicants_download_completes_a_level_4_application(app, db, demo, flow):
    result = _result_ready(flow, demo)
    assert record_online_receipt(result, demo.staff("receiver", TH)) is None  # staff reading it is no receipt
    assert flow.application.state == "result_ready"
    event = record_online_receipt(result, demo.citizen)
    db.session.commit()
    assert event.action == "deliver" and event.role == "citizen" and flow.application.state == "completed"
    assert record_online_receipt(result, demo.citizen) is None  # once


def test_a_postal_request_waits_for_the_post(app, db, demo, flow):
    result = _result_ready(flow, demo)
    request_postal_delivery(flow.application, demo.citizen, "Thôn Nhân Lý, xã Tam Hồng, huyện Yên Lạc", "0912345678")
    db.session.commit()
    assert record_online_receipt(result, demo.citizen) is None
    assert flow.application.state == "result_ready"


def test_a_level_3_result_is_collected_at_the_desk(app, db, demo, flow):
    flow.submitted(service_slug="chung-thuc-ban-sao-tu-ban-chinh", unit_slug=TH)
    flow.fire("accept", demo.staff("receiver", TH))
    flow.fire("pay", demo.staff("receiver", TH))
    flow.fire("submit_for_approval", demo.staff("handler", TH))
    flow.fire("approve", demo.staff("leader", TH))
    [result] = flow.documents("result")
    assert record_online_receipt(result, demo.citizen) is None
    assert flow.application.state == "result_ready"
