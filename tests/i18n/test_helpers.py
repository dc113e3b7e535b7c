"""portal.i18n's helpers and the citizen guidance in both languages."""
from datetime import date, datetime, timezone
from types import SimpleNamespace

import pytest
from flask_babel import force_locale

from portal import i18n
from portal.citizen import guidance


@pytest.fixture
def request_ctx(app):
    with app.test_request_context("/"):
        yield


def test_localized_prefers_english_on_english_pages_only(request_ctx):
    row = SimpleNamespace(name="Đăng ký khai sinh", name_en="Birth registration")
    assert i18n.localized(row) == "Đăng ký khai sinh"
    with force_locale("en"):
        assert i18n.current_language() == "en"
        assert i18n.localized(row) == "Birth registration"
        # No English text: the Vietnamese one, never an empty cell.
        assert i18n.localized(SimpleNamespace(name="Chứng thực", name_en="")) == "Chứng thực"
        assert i18n.localized({"title": "Giấy khai sinh"}, "title") == "Giấy khai sinh"
        assert i18n.localized({"title": "Giấy khai sinh", "title_en": "Birth certificate"}, "title") \
            == "Birth certificate"


def test_vietnamese_outside_a_request():
    assert i18n.current_language() == "vi"


def test_long_date_in_both_languages(request_ctx):
    assert i18n.long_date(date(2026, 2, 5)) == "ngày 05 tháng 02 năm 2026"
    with force_locale("en"):
        assert i18n.long_date(date(2026, 2, 5)) == "5 February 2026"
        # An instant is shown as the Vietnam calendar day (UTC+7).
        assert i18n.long_date(datetime(2026, 11, 26, 18, 30, tzinfo=timezone.utc)) == "27 November 2026"
        assert i18n.long_date(None) == ""


def test_translated_leaves_unknown_text_alone_and_escaped_by_jinja(app, request_ctx):
    with force_locale("en"):
        assert i18n.translated("Không tìm thấy") == "Not found"
        assert i18n.translated("Hồ sơ 50% <b>") == "Hồ sơ 50% <b>"  # neither %-formatted nor marked safe
        rendered = app.jinja_env.from_string("{{ t|translated }}").render(t="<b>x</b>")
        assert rendered == "&lt;b&gt;x&lt;/b&gt;"


def _application(due, state="processing"):
    return SimpleNamespace(due_date=due, state=state, paused_at=None, workflow="commune", workflow_version=None)


def test_deadline_counts_working_days_in_each_language(request_ctx, monkeypatch):
    class Calendar:
        def __init__(self, left):
            self.left = left

        def working_days_left(self, today, due):
            return self.left

    due = date(2026, 11, 30)
    for left, vi, en in ((1, "còn 1 ngày làm việc", "1 working day left"),
                         (3, "còn 3 ngày làm việc", "3 working days left"),
                         (0, "đến hạn hôm nay", "due today"),
                         (-2, "quá hạn 2 ngày làm việc", "2 working days overdue")):
        monkeypatch.setattr(guidance, "current_calendar", lambda left=left: Calendar(left))
        assert guidance.deadline(_application(due), today=date(2026, 11, 27)).text == vi
        with force_locale("en"):
            assert guidance.deadline(_application(due), today=date(2026, 11, 27)).text == en


def test_labels_follow_the_language(request_ctx):
    application = _application(None, state="supplement_requested")
    assert guidance.state_label(application) == "Chờ bổ sung"
    assert guidance.action_label(application, "submit") == "Nộp hồ sơ"
    assert str(guidance.LEVEL_LABELS["district"]) == "Cấp huyện"
    with force_locale("en"):
        assert guidance.state_label(application) == "Supplement requested"
        assert guidance.action_label(application, "submit") == "Submit"
        assert str(guidance.LEVEL_LABELS["district"]) == "District level"
        assert str(guidance.ROLE_LABELS["receiver"]) == "One-stop desk"
