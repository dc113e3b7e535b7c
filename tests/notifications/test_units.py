"""MAIL_URL parsing, the plain-data rule of jobs, inline jobs, SMS providers."""
import pytest

from portal.models import Unit
from portal.notifications import jobs
from portal.notifications.effects import template_for
from portal.notifications.mail import MailServer, parse_mail_url
from portal.notifications.sms import LogProvider, mask_phone, normalize_phone, provider_named


@pytest.mark.parametrize("url, expected", [
    ("smtp://mail.local", MailServer("smtp", "mail.local", 25)),
    ("smtp://127.0.0.1:2525", MailServer("smtp", "127.0.0.1", 2525)),
    ("smtp+starttls://u%40x.vn:p%2Fw@smtp.x.vn",
     MailServer("smtp+starttls", "smtp.x.vn", 587, "u@x.vn", "p/w")),
    ("smtps://u:p@smtp.x.vn:1465", MailServer("smtps", "smtp.x.vn", 1465, "u", "p")),
])
def test_mail_urls(url, expected):
    assert parse_mail_url(url) == expected


@pytest.mark.parametrize("url, reason", [
    ("http://mail.local", "unknown scheme"), ("smtp://", "host name is missing"),
    ("smtp://mail.local:port", "port must be a number"),
])
def test_bad_mail_urls_are_explained(url, reason):
    with pytest.raises(ValueError, match=reason):
        parse_mail_url(url)


def add(a, b):
    return a + b


def test_inline_jobs_run_at_once_with_plain_data(app):
    assert not app.config["REDIS_URL"]
    assert jobs.enqueue(add, 2, 3) == 5
    assert jobs.enqueue("tests.notifications.test_units.add", [1], [2]) == [1, 2]


def test_jobs_refuse_orm_objects_and_functions_a_worker_cannot_import(app, demo):
    with pytest.raises(TypeError, match="plain data only"):
        jobs.enqueue(add, {"unit": demo.unit("tam-hong")}, 1)
    with pytest.raises(TypeError, match="plain data only"):
        jobs.check_plain(Unit())
    with pytest.raises(TypeError, match="module-level"):
        jobs.enqueue(lambda: None)

    def nested():
        return None
    with pytest.raises(TypeError, match="module-level"):
        jobs.enqueue(nested)


@pytest.mark.parametrize("action, to_state, template", [
    ("submit", "submitted", "submitted"), ("accept", "processing", "accepted"),
    ("accept", "awaiting_payment", "payment_due"), ("request_supplement", "supplement_requested",
                                                    "supplement_requested"),
    ("approve", "result_ready", "result_ready"), ("deliver", "completed", "completed"),
    ("refuse", "refused", "refused"), ("deny", "denied", "denied"),
    ("reschedule", "processing", "rescheduled"),
    ("pay", "processing", "state_changed"), ("withdraw", "withdrawn", "state_changed"),
    ("forward", "forwarded", "state_changed"),
])
def test_templates_by_action_and_state(action, to_state, template):
    assert template_for(action, to_state) == template


def test_sms_numbers_and_providers():
    assert normalize_phone("+84 912 345 678") == "0912345678"
    assert normalize_phone("12345") == ""
    assert mask_phone("0912345678") == "091****678"
    assert isinstance(provider_named("log"), LogProvider)
    assert isinstance(provider_named("portal.notifications.sms:LogProvider"), LogProvider)
    with pytest.raises(ValueError, match="SMS_PROVIDER"):
        provider_named("carrier-pigeon")
