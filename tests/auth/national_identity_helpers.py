"""Drives the sign-in with the national identity through the sandbox provider, as a browser would."""
from urllib.parse import parse_qsl, urlencode, urlsplit

from tests.factories import csrf_token_from

NEW_PERSON = {"national_id": "026195012345", "full_name": "Trần Thị Thu Hà", "phone": "0934567890"}


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def query_of(url: str) -> dict:
    return dict(parse_qsl(urlsplit(url).query))


def begin(client, next_url=None) -> dict:
    """Presses the button: the authorization request's parameters."""
    start = client.get("/dang-nhap/vneid" + (f"?{urlencode({'next': next_url})}" if next_url else ""))
    assert start.status_code == 302, start.get_data(as_text=True)
    assert urlsplit(start.headers["Location"]).path == "/sandbox/vneid/authorize"
    return query_of(start.headers["Location"])


def consent(client, params: dict, person=None, simulate="") -> str:
    """The tester picks `person` (typed) on the sandbox page and consents: the redirect back to the portal."""
    page = client.get("/sandbox/vneid/authorize?" + urlencode(params))
    assert page.status_code == 200
    form = {**params, "csrf_token": csrf_token_from(page.get_data(as_text=True)), "decision": "consent",
            "identity": "custom", "simulate": simulate, **(person or NEW_PERSON)}
    answer = client.post("/sandbox/vneid/authorize", data=form)
    assert answer.status_code == 302, answer.get_data(as_text=True)
    assert answer.headers["Location"].startswith("http://localhost/dang-nhap/vneid/callback?")
    return answer.headers["Location"]


def sign_in(client, person=None, next_url=None, simulate=""):
    """The whole round trip: the portal's answer to the callback."""
    back = consent(client, begin(client, next_url), person, simulate)
    return client.get(path_of(back))
