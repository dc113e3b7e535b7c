"""API answers as HTTP says: 405 names the allowed methods, 401 says how to authenticate, and the OpenAPI
document declares the problem+json bodies the errors really have."""


def test_405_carries_allow(client):
    response = client.delete("/api/v1/auth/token")
    assert response.status_code == 405 and response.mimetype == "application/problem+json"
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"POST"}
    page = client.delete("/dang-nhap")
    assert page.status_code == 405 and "GET" in page.headers["Allow"]


def test_401_carries_www_authenticate(client, demo):
    for response in (client.get("/api/v1/applications"),
                     client.get("/api/v1/applications", headers={"Authorization": "Bearer not-a-token"}),
                     client.post("/api/v1/auth/token", json={"email": "citizen@demo.vn", "password": "Sai@123456"})):
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.mimetype == "application/problem+json"


def test_the_openapi_document_declares_problem_json_for_errors(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    responses = spec["components"]["responses"]
    assert list(responses["DEFAULT_ERROR"]["content"]) == ["application/problem+json"]
    problem = spec["components"]["schemas"]["Problem"]["properties"]
    assert {"type", "title", "status", "detail", "errors"} <= set(problem)
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            for status, response in operation["responses"].items():
                if status == "default" or status.startswith(("4", "5")):
                    content = response.get("content") or responses[response["$ref"].split("/")[-1]].get(
                        "content", {}) if "$ref" in response else response.get("content", {})
                    assert "application/json" not in content, (path, method, status)
