"""Ids beyond the database's BIGINT in a URL are simply not found (404), on every route with an id; JSON
nested deeper than the portal ever sends is refused (400 problem+json) before it is parsed, signed in or not."""
import pytest

from portal.security import MAX_ID
from tests.factories import api_token, login

HUGE = [str(2 ** 31), str(2 ** 63), str(2 ** 64 + 5), "9" * 40, "9" * 5000]


def _int_routes(app, prefix):
    """(rule, method) for every route under `prefix` with an <int:…> part, its ids replaced by {}."""
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(prefix) or "<int:" not in rule.rule:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule, method


def _path(rule, value):
    import re
    return re.sub(r"<int:[^>]+>", value, re.sub(r"<(?:string:)?([^>:]+)>", "x", rule.rule))


def test_every_api_route_with_an_id_answers_404_to_a_huge_id(app, client, demo):
    headers = api_token(client, "handler.tam-hong@demo.vn")
    routes = list(_int_routes(app, "/api/v1/"))
    assert len(routes) >= 10
    for rule, method in routes:
        for value in HUGE:
            response = client.open(_path(rule, value), method=method, headers=headers, json={})
            assert response.status_code == 404, (rule.rule, method, value, response.status_code)
            assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("email", ["citizen@demo.vn", "handler.tam-hong@demo.vn"])
def test_every_page_with_an_id_answers_404_to_a_huge_id(app, client, demo, email):
    login(client, email)
    for rule, method in _int_routes(app, "/"):
        if rule.rule.startswith("/api/") or method != "GET":
            continue
        for value in HUGE[:2]:
            response = client.get(_path(rule, value))
            assert response.status_code in (404, 403, 302), (rule.rule, value, response.status_code)
            assert response.status_code != 500
    assert client.get(f"/ho-so/{2 ** 63}").status_code == 404
    assert client.get(f"/van-ban/{2 ** 63}").status_code == 404


def test_the_largest_id_is_still_an_id(client, demo):
    login(client, "citizen@demo.vn")
    assert client.get(f"/ho-so/{MAX_ID}").status_code == 404  # looked up, not there
    assert client.get("/ho-so/١٢").status_code == 404  # Arabic-Indic digits are not an id


def test_the_openapi_document_bounds_ids(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    ids = [p for path in spec["paths"].values() for p in path.get("parameters", [])
           if p["in"] == "path" and p["schema"].get("type") == "integer"]
    assert ids and all(p["schema"]["maximum"] == MAX_ID for p in ids)


@pytest.mark.parametrize("body", ["[" * 5000, "{\"a\":" * 5000, "[" * 33 + "]" * 33])
def test_deeply_nested_json_is_refused_before_parsing(client, demo, body):
    for path in ("/api/v1/auth/token", "/api/v1/applications"):
        response = client.post(path, data=body, content_type="application/json")
        assert response.status_code == 400, (path, response.status_code)
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["detail"] == "Dữ liệu JSON lồng nhau quá sâu."


def test_brackets_inside_strings_do_not_count(client, demo):
    response = client.post("/api/v1/auth/token", json={"email": "[" * 5000, "password": "{" * 5000})
    assert response.status_code in (401, 422)
