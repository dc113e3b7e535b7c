"""E-mails to the citizen on state changes, received by a real SMTP server (aiosmtpd), or written to the
outbox by default; none for a change that was rolled back."""
import email
from email import policy
from pathlib import Path

from portal.formatting import format_vnd, vn_date_long
from portal.operations.transitions import fire
from tests.notifications.conftest import text_of
from tests.notifications.flows import UNIT, accepted, next_working_day_after, result_ready, step, submitted


def raw_header(raw: bytes, name: str) -> str:
    """The header as it travelled (folded lines joined), before any decoding."""
    head = raw.split(b"\r\n\r\n", 1)[0].replace(b"\r\n ", b" ").replace(b"\r\n\t", b" ")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(name.lower().encode() + b":"):
            return line.decode("ascii")
    raise AssertionError(f"no {name} header")


def test_the_accepted_email_carries_the_code_and_the_due_date_in_vietnamese(app, db, demo, mail_to):
    application = accepted(db, demo)
    messages = mail_to.wait_for(2)
    assert [m["subject"] for m in messages] == [
        f"Đã nhận hồ sơ {application.code}", f"Hồ sơ {application.code} đã được tiếp nhận"]
    accepted_mail = messages[1]
    body = text_of(accepted_mail)
    assert application.code in body
    assert application.due_date is not None
    assert f"Ngày hẹn trả kết quả: {vn_date_long(application.due_date)}." in body
    assert "Kính gửi Ông/Bà Nguyễn Văn An" in body
    # On the wire, the Vietnamese subject and sender name are RFC 2047 encoded words (7-bit headers).
    raw = mail_to.received[1]["raw"]
    assert raw_header(raw, "Subject").startswith("Subject: =?utf-8?")
    assert "Cổng dịch vụ công" in str(accepted_mail["From"])
    assert mail_to.received[1]["rcpt_tos"] == ["citizen@demo.vn"]
    html = accepted_mail.get_body(preferencelist=("html",)).get_content()
    assert vn_date_long(application.due_date) in html and application.code in html


def test_without_mail_url_the_message_is_written_to_the_outbox(app, db, demo):
    assert not app.config["MAIL_URL"]
    application = submitted(db, demo)
    files = sorted(Path(app.config["OUTBOX_DIR"]).glob("*.eml"))
    assert len(files) == 1
    message = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert message["subject"] == f"Đã nhận hồ sơ {application.code}"
    assert message["to"] == "citizen@demo.vn"
    assert application.code in text_of(message)
    assert not list(Path(app.config["OUTBOX_DIR"]).glob(".*"))  # no half-written file left behind


def test_nothing_is_sent_before_the_commit_nor_for_a_rolled_back_change(app, db, demo, mail_to):
    application = submitted(db, demo)
    mail_to.wait_for(1)
    receiver = demo.staff("receiver", UNIT)
    fire(application, "accept", receiver)
    assert len(mail_to.received) == 1  # rendered, but waiting for the commit
    db.session.rollback()
    assert len(mail_to.received) == 1
    db.session.refresh(application)
    assert application.state == "submitted"
    fire(application, "accept", receiver)
    db.session.commit()
    assert [m["subject"] for m in mail_to.wait_for(2)][1] == f"Hồ sơ {application.code} đã được tiếp nhận"
    assert len(mail_to.received) == 2


def test_a_supplement_request_says_what_to_add(app, db, demo, mail_to):
    application = submitted(db, demo)
    note = "Bản chụp Giấy chứng sinh rõ nét, đủ 2 mặt; Tờ khai có chữ ký của người đi đăng ký."
    step(db, application, "request_supplement", demo.staff("receiver", UNIT), note=note)
    message = mail_to.wait_for(2)[1]
    assert message["subject"] == f"Hồ sơ {application.code} cần bổ sung giấy tờ, thông tin"
    assert note in text_of(message)


def test_a_fee_to_pay_is_announced_with_the_amount_and_the_online_payment_link(app, db, demo, mail_to):
    application = accepted(db, demo, "cap-giay-phep-xay-dung-nha-o-rieng-le", "yen-lac")
    assert application.state == "awaiting_payment" and application.fee_amount > 0
    message = mail_to.wait_for(2)[1]
    assert message["subject"] == f"Hồ sơ {application.code}: đề nghị nộp phí, lệ phí"
    body = text_of(message)
    assert f"Số tiền: {format_vnd(application.fee_amount)}" in body
    assert f"http://localhost/payments/applications/{application.id}" in body


def test_a_new_due_date_is_announced_with_an_apology(app, db, demo, mail_to):
    application = accepted(db, demo, "xac-nhan-tinh-trang-hon-nhan")
    old_due = application.due_date
    new_due = next_working_day_after(old_due)
    step(db, application, "reschedule", demo.staff("handler", UNIT),
         note="Cần xác minh thêm tại nơi cư trú trước đây.", inputs={"new_due_date": new_due.isoformat()})
    # The officer's request tells the citizen nothing; the leader's approval issues the letter and the mail.
    step(db, application, "approve_reschedule", demo.staff("leader", UNIT))
    message = mail_to.wait_for(3)[2]
    assert message["subject"] == f"Hồ sơ {application.code}: thay đổi ngày hẹn trả kết quả"
    body = text_of(message)
    assert f"Ngày hẹn trả kết quả mới: {vn_date_long(new_due)}." in body
    assert f"Ngày hẹn trước đây: {vn_date_long(old_due)}." in body
    assert "thành thật xin lỗi" in body and "Cần xác minh thêm" in body


def test_a_refusal_gives_the_reason(app, db, demo, mail_to):
    application = submitted(db, demo)
    step(db, application, "refuse", demo.staff("receiver", UNIT),
         note="Thủ tục không thuộc thẩm quyền của xã.", inputs={"legal_basis": "Điều 9 Nghị định số 118/2025/NĐ-CP"})
    message = mail_to.wait_for(2)[1]
    assert message["subject"] == f"Hồ sơ {application.code} không được tiếp nhận"
    assert "Lý do: Thủ tục không thuộc thẩm quyền của xã." in text_of(message)


def test_a_result_and_every_other_change_reach_the_citizen(app, db, demo, mail_to):
    application = result_ready(db, demo)
    subjects = [m["subject"] for m in mail_to.wait_for(4)]
    # every state change is told, the internal hand-over to the leader included
    assert subjects == [f"Đã nhận hồ sơ {application.code}", f"Hồ sơ {application.code} đã được tiếp nhận",
                        f"Hồ sơ {application.code}: Chờ phê duyệt",
                        f"Hồ sơ {application.code} đã có kết quả"]
    assert "tải kết quả" in text_of(mail_to.messages[3])  # level 4: the signed result online

    other = submitted(db, demo)
    step(db, other, "withdraw", demo.citizen)
    message = mail_to.wait_for(6)[5]
    assert message["subject"] == f"Hồ sơ {other.code}: Đã rút"
    body = text_of(message)
    assert "Thao tác: Rút hồ sơ" in body and "Trạng thái hiện nay: Đã rút" in body


def test_sms_goes_to_the_log_provider_for_the_steps_that_matter(app, db, demo, caplog):
    caplog.set_level("INFO", logger="portal.sms")
    application = submitted(db, demo)
    step(db, application, "withdraw", demo.citizen)
    records = [r for r in caplog.records if r.name == "portal.sms"]
    assert len(records) == 1  # submitted; a withdrawal the citizen made themselves needs no SMS
    text = records[0].getMessage()
    assert application.code in text and "Đã nhận hồ sơ" in text
    assert "0912345678" not in text and "091****678" in text


def test_a_long_vietnamese_subject_keeps_its_spaces():
    from email import message_from_bytes, policy

    from portal.notifications.mail import build_message
    subject = "Hồ sơ 000.21.31.H62-261128-0001: đính chính kết quả giải quyết thủ tục hành chính"
    built = build_message({"from": "Cổng dịch vụ công <no-reply@dichvucong.local>", "to": "an@example.vn",
                           "subject": subject, "date": "Sat, 28 Nov 2026 07:00:00 +0700",
                           "message_id": "<x@dichvucong.local>", "text": "Nội dung", "html": None})
    assert message_from_bytes(built.as_bytes(), policy=policy.default)["Subject"] == subject
