"""Open redirects: after sign-in and after switching language the portal goes back only to a path of its
own. Browsers drop tabs and newlines inside a URL and read a backslash as a slash, so "/\t/evil.example"
would be "//evil.example", another site."""
import pytest

from portal.security import safe_next
from tests.factories import PASSWORD, csrf_token_from, post_form

HOSTILE = ["/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "//evil.example", "/\\evil.example",
           "https://evil.example/", "/ /evil.example", "/\x0b/evil.example", "javascript:alert(1)",
           "/\u3000/evil.example"]


@pytest.mark.parametrize("target", HOSTILE)
def test_hostile_targets_are_refused(target):
    assert safe_next(target) is None


def test_own_paths_are_kept():
    assert safe_next("/ho-so/12?tab=files#docs") == "/ho-so/12?tab=files#docs"
    assert safe_next("/tra-cuu") == "/tra-cuu"


@pytest.mark.parametrize("encoded", ["/%09/evil.example", "/%0A/evil.example", "/%0D%0A/evil.example",
                                     "%2F%2Fevil.example"])
def test_sign_in_does_not_follow_a_hostile_next(client, demo, encoded):
    response = post_form(client, f"/dang-nhap?next={encoded}", {"email": "citizen@demo.vn", "password": PASSWORD})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "evil.example" not in location
    assert location.startswith("/") and not location.startswith("//")


def test_sign_in_follows_an_own_next(client, demo):
    response = post_form(client, "/dang-nhap?next=/tra-cuu", {"email": "citizen@demo.vn", "password": PASSWORD})
    assert response.headers["Location"] == "/tra-cuu"


@pytest.mark.parametrize("target", ["/\t/evil.example", "/\n/evil.example", "/\r\nSet-Cookie: x=1"])
def test_language_switch_does_not_follow_a_hostile_next(client, demo, target):
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    response = client.post("/ngon-ngu/vi", data={"next": target, "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Set-Cookie: x" not in str(response.headers)
