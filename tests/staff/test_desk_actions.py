"""The desk's actions (issue 14, point 7): the main action of each state is the primary button, sending an
application back or refusing it is secondary and asks for a ticked confirmation (no JavaScript needed), the
row version travels hidden and is never shown, and on a phone a link at the top leads to the actions."""
import re

from tests.factories import csrf_token_from, login, make_application
from tests.operations.helpers import desk_url, event_count, fresh

from .conftest import BIRTH, UNIT, staff


def _form(html, action):
    start = html.index(f'data-action="{action}"')
    start = html.rindex("<form", 0, start)
    return html[start:html.index("</form>", start)]


def _button_class(form_html):
    return re.search(r'<button class="btn ([a-z-]+)" type="submit">', form_html).group(1)


def _order(html):
    return re.findall(r'data-action="([a-z_]+)" data-emphasis="([a-z_]+)"', html)


def test_the_receiver_sees_accept_first_as_the_primary_button(client, db, demo):
    application = make_application(db, demo.citizen, BIRTH, UNIT)
    login(client, staff("receiver"))
    html = client.get(desk_url(application)).get_data(as_text=True)
    assert _order(html) == [("accept", "primary"), ("request_supplement", "send_back"), ("refuse", "send_back")]
    assert _button_class(_form(html, "accept")) == "btn-primary"
    assert _button_class(_form(html, "request_supplement")) == "btn-outline-secondary"
    assert _button_class(_form(html, "refuse")) == "btn-outline-danger"
    assert html.count("btn btn-primary") == 1  # one main action on the page
    # only the send-back and the refusal ask to be confirmed
    assert 'name="confirm"' not in _form(html, "accept")
    for action in ("request_supplement", "refuse"):
        box = re.search(r'<input[^>]*name="confirm"[^>]*>', _form(html, action)).group(0)
        assert 'type="checkbox"' in box and f'id="confirm-{action}"' in box
        assert f'<label class="form-check-label" for="confirm-{action}">' in _form(html, action)


def test_the_leader_approves_with_the_primary_button_and_confirms_a_return_or_a_denial(client, db, demo,
                                                                                       advance):
    application = advance(make_application(db, demo.citizen, BIRTH, UNIT), "accept", "submit_for_approval")
    login(client, staff("leader"))
    html = client.get(desk_url(application)).get_data(as_text=True)
    order = _order(html)
    assert order[0] == ("approve", "primary")
    assert {a for a, e in order if e == "send_back"} == {"return_to_handler", "deny"}
    assert [e for _, e in order] == sorted((e for _, e in order), key=["primary", "secondary", "send_back"].index)
    assert _button_class(_form(html, "deny")) == "btn-outline-danger"
    assert _button_class(_form(html, "return_to_handler")) == "btn-outline-secondary"
    assert 'name="confirm"' in _form(html, "deny") and 'name="confirm"' not in _form(html, "approve")


def test_the_handler_submits_for_approval_as_the_main_action(client, db, demo, advance):
    application = advance(make_application(db, demo.citizen, BIRTH, UNIT), "accept")
    login(client, staff("handler"))
    order = _order(client.get(desk_url(application)).get_data(as_text=True))
    assert order[0] == ("submit_for_approval", "primary")
    assert dict(order)["request_supplement"] == "send_back"


def _post(client, application, action, **data):
    html = client.get(desk_url(application)).get_data(as_text=True)
    version = re.search(rf'id="version-{action}"[^>]*value="(\d+)"', html) or \
        re.search(rf'value="(\d+)"[^>]*id="version-{action}"', html)
    payload = {"csrf_token": csrf_token_from(html), "version": version.group(1), **data}
    return client.post(f"{desk_url(application)}/thao-tac/{action}", data=payload)


def test_a_refusal_without_the_ticked_confirmation_changes_nothing_and_says_so_beside_the_box(client, db, demo):
    application = make_application(db, demo.citizen, BIRTH, UNIT)
    login(client, staff("receiver"))
    before, events = fresh(db, application).version, event_count(db, application)
    answer = _post(client, application, "refuse", note="Không thuộc thẩm quyền.",
                   legal_basis="Khoản 1 Điều 13 Luật Hộ tịch năm 2014")
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    refuse = _form(html, "refuse")
    assert 'id="confirm-refuse-error"' in refuse and "Vui lòng đánh dấu ô xác nhận" in refuse
    assert 'aria-describedby="confirm-refuse-error"' in refuse
    assert "Không thuộc thẩm quyền." in refuse  # what was typed stays
    current = fresh(db, application)
    assert current.state == "submitted" and current.version == before and event_count(db, application) == events
    done = _post(client, application, "refuse", note="Không thuộc thẩm quyền.", confirm="y",
                 legal_basis="Khoản 1 Điều 13 Luật Hộ tịch năm 2014")
    assert done.status_code == 303
    assert fresh(db, application).state == "refused"


def test_a_send_back_without_confirmation_from_a_stale_page_is_a_conflict(client, db, demo, advance):
    application = make_application(db, demo.citizen, BIRTH, UNIT)
    login(client, staff("receiver"))
    html = client.get(desk_url(application)).get_data(as_text=True)
    token, stale = csrf_token_from(html), fresh(db, application).version
    advance(application, "accept")  # someone else, meanwhile
    answer = client.post(f"{desk_url(application)}/thao-tac/request_supplement",
                         data={"csrf_token": token, "version": stale, "note": "Thiếu giấy chứng sinh."})
    assert answer.status_code == 409


def test_the_version_is_a_hidden_field_and_never_shown(client, db, demo):
    application = make_application(db, demo.citizen, BIRTH, UNIT)
    login(client, staff("receiver"))
    html = client.get(desk_url(application)).get_data(as_text=True)
    version = fresh(db, application).version
    assert "Phiên bản" not in html
    hidden = re.findall(r'<input[^>]*name="version"[^>]*>', html)
    assert hidden and all('type="hidden"' in field and f'value="{version}"' in field for field in hidden)


def test_a_link_at_the_top_leads_to_the_actions_on_a_phone(client, db, demo):
    application = make_application(db, demo.citizen, BIRTH, UNIT)
    login(client, staff("receiver"))
    html = client.get(desk_url(application)).get_data(as_text=True)
    link = re.search(r'<a class="([^"]*)" href="#h-actions" id="jump-to-actions">', html)
    assert link and "d-lg-none" in html[html.rindex("<p", 0, link.start()):link.start()]
    assert html.index("jump-to-actions") < html.index('id="h-summary"')  # before the file
    assert 'id="h-actions"' in html
