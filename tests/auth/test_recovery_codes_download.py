"""Recovery codes can be downloaded as a .txt and printed (issue 14, point 7): the page given at the first
two-step sign-in carries the codes as a `download` link (no second request: the account keeps only their
hashes), a print button wired by a script with the request's CSP nonce, and print styles."""
import re
from urllib.parse import unquote

import pyotp

from tests.factories import csrf_token_from, post_form

LEADER = "leader.tam-hong@demo.vn"


def _enrolment_answer(client):
    first = post_form(client, "/dang-nhap", {"email": LEADER, "password": "Demo@12345"})
    assert first.headers["Location"].endswith("/quan-tri/xac-thuc-hai-buoc/dang-ky")
    html = client.get("/quan-tri/xac-thuc-hai-buoc/dang-ky").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', html).group(1)
    done = client.post("/quan-tri/xac-thuc-hai-buoc/dang-ky",
                       data={"csrf_token": csrf_token_from(html), "code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    return done


def test_the_codes_download_as_a_text_file(client, db, demo):
    done = _enrolment_answer(client)
    html = done.get_data(as_text=True)
    assert done.headers["Cache-Control"] == "no-store"
    codes = re.findall(r"<li>([a-z2-9]{4}-[a-z2-9]{4})</li>", html)
    assert len(codes) == 10
    link = re.search(r'<a[^>]*id="download-codes"[^>]*>', html).group(0)
    assert 'download="ma-khoi-phuc.txt"' in link
    href = re.search(r'href="data:text/plain;charset=utf-8,([^"]*)"', link).group(1)
    text = unquote(href.replace("&amp;", "&"))
    lines = text.split("\r\n")
    assert all(code in lines for code in codes)  # one code a line
    assert f"Tài khoản: {LEADER}" in text
    assert "Mỗi mã dùng được một lần" in text
    # the file is the codes of this answer only: the account stores hashes, never the codes
    leader = demo.user(LEADER)
    db.session.refresh(leader)
    assert not any(code in str(leader.recovery_codes) for code in codes)


def test_the_page_prints_with_a_button_the_nonced_script_shows(client, db, demo):
    done = _enrolment_answer(client)
    html = done.get_data(as_text=True)
    policy = done.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    button = re.search(r'<button[^>]*id="print-codes"[^>]*>', html).group(0)
    assert 'type="button"' in button and "hidden" in button  # shown by the script only
    scripts = re.findall(r'<script nonce="([^"]+)">(.*?)</script>', html, re.S)
    assert any(n == nonce and "window.print()" in body and "print-codes" in body for n, body in scripts)
    style = re.search(r'<style nonce="([^"]+)">(.*?)</style>', html, re.S)
    assert style and style.group(1) == nonce
    assert "@media print" in style.group(2) and ".portal-header" in style.group(2)
    # the continue button and the download link are left off the paper
    assert re.search(r'class="btn btn-primary no-print"', html)
