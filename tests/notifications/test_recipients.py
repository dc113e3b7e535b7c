"""Who is told by e-mail. A person who applied on the national portal without an account here is told at the
address they gave there, and the mail sends them to the public lookup, not to pages behind a sign-in they do
not have; the national portal hears the same address back in its status records. An account whose address
is a placeholder gets SMS only."""
from sqlalchemy import select

from portal.models import Application
from portal.outbox.models import OutboxMessage
from tests.factories import api_token
from tests.national.inbound_support import PERSON, UNIT, message, post
from tests.notifications.conftest import text_of


def test_a_national_applicant_without_an_account_gets_each_notice_by_email(app, client, db, demo, mail_to):
    assert post(client, app, message(app, demo)).status_code == 201
    application = db.session.execute(select(Application)).scalar_one()
    assert application.applicant_id is None

    headers = api_token(client, f"receiver.{UNIT}@demo.vn")
    accepted = client.post(f"/api/v1/applications/{application.id}/actions/accept", headers=headers,
                           json={"version": application.version})
    assert accepted.status_code == 200, accepted.get_json()

    messages = mail_to.wait_for(2)
    assert [item["rcpt_tos"] for item in mail_to.received] == [[PERSON["Email"]], [PERSON["Email"]]]
    assert messages[0]["subject"] == f"Đã nhận hồ sơ {application.code}"
    for mail in messages:
        body = text_of(mail)
        assert application.code in body and "/tra-cuu" in body
        assert "Xem hồ sơ:" not in body and "/ho-so/" not in body  # the citizen's pages need an account
        html = mail.get_body(preferencelist=("html",))
        assert html is None or "/ho-so/" not in html.get_content()


def test_the_national_portal_hears_the_address_it_gave(app, client, db, demo):
    assert post(client, app, message(app, demo)).status_code == 201
    (row,) = db.session.scalars(select(OutboxMessage).where(OutboxMessage.destination == "dvcqg")).all()
    assert row.payload["data"][0]["Email"] == PERSON["Email"]


def test_an_account_holder_still_gets_the_links_to_their_pages(app, db, demo, mail_to):
    from tests.notifications.flows import submitted
    application = submitted(db, demo)
    (mail,) = mail_to.wait_for(1)
    assert mail_to.received[0]["rcpt_tos"] == ["citizen@demo.vn"]
    assert f"/ho-so/{application.id}" in text_of(mail)


def test_an_account_with_a_placeholder_address_gets_sms_but_no_email(app, db, demo, mail_to, caplog):
    """An account made by a national identity sign-in that gave no e-mail holds an address under .invalid:
    nothing is mailed there (it would only bounce and fill the outbox with failures); the SMS still goes."""
    import logging

    from portal.outbox.models import OutboxMessage
    from tests.factories import make_application, make_citizen
    caplog.set_level(logging.INFO, logger="portal.sms")
    person = make_citizen(db, email="vneid-0123456789abcdef0123@dinh-danh.invalid", full_name="Lê Văn Cường",
                          phone="0987654321", national_id="026090009999")
    application = make_application(db, person, "dang-ky-khai-sinh", UNIT)
    destinations = db.session.scalars(select(OutboxMessage.destination)).all()
    assert "mail" not in destinations and "sms" in destinations
    assert mail_to.received == []
    assert any(application.code in r.getMessage() for r in caplog.records if r.name == "portal.sms")
