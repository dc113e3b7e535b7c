"""The signed proof of one application's history: an administrator downloads it (page and API), it verifies
against the trust roots, and a changed event, a dropped event or a changed signature are each refused."""
import copy
import json

from tests.admin.helpers import enrol, fresh_code, login_with_totp
from tests.factories import api_token


def _admin_headers(client, db, demo):
    admin = demo.user("admin@demo.vn")
    secret = admin.totp_secret or enrol(db, admin)
    response = client.post("/api/v1/auth/token", json={"email": "admin@demo.vn", "password": "Demo@12345",
                                                       "totp": fresh_code(db, admin, secret)})
    return {"Authorization": f"Bearer {response.get_json()['access_token']}"}


def test_the_api_proof_verifies_and_fails_when_tampered(app, client, db, demo, history, pki):
    from portal.audit.proof import verify_proof
    demo_admin = _admin_headers(client, db, demo)
    response = client.get(f"/api/v1/admin/applications/{history.id}/history-proof", headers=demo_admin)
    assert response.status_code == 200, response.get_data(as_text=True)
    proof = response.get_json()
    assert proof["payload"]["application"]["code"] == history.code
    assert proof["payload"]["unit"]["slug"] == "tam-hong"
    assert len(proof["payload"]["events"]) >= 3
    assert verify_proof(proof) == []

    changed = copy.deepcopy(proof)
    changed["payload"]["events"][1]["note"] = "khác"
    problems = verify_proof(changed)
    assert any("signature does not match" in p for p in problems), problems
    event_id = changed["payload"]["events"][1]["id"]
    assert f"event {event_id}: content does not match its hash" in problems

    dropped = copy.deepcopy(proof)
    del dropped["payload"]["events"][1]
    assert any("not linked" in p for p in verify_proof(dropped))

    forged = copy.deepcopy(proof)
    value = forged["signature"]["value"]
    forged["signature"]["value"] = ("A" if value[0] != "A" else "B") + value[1:]
    assert any("signature does not match" in p for p in verify_proof(forged))


def test_a_proof_signed_by_a_key_outside_the_roots_is_untrusted(app, client, db, demo, history, pki, tmp_path):
    from cryptography import x509
    from portal.audit.proof import verify_proof
    from portal.documents.pki import UnitIdentity, dev_paths, init_dev
    response = client.get(f"/api/v1/admin/applications/{history.id}/history-proof",
                          headers=_admin_headers(client, db, demo))
    other = tmp_path / "other-pki"
    init_dev(other, [UnitIdentity("tam-hong", "x")])
    other_root = x509.load_pem_x509_certificate(dev_paths(other)["ca_cert"].read_bytes())
    assert verify_proof(response.get_json(), roots=[other_root]) == [
        "the certificate is not issued by a trusted root"]


def test_only_administrators_get_a_proof(client, db, demo, history, pki):
    url = f"/api/v1/admin/applications/{history.id}/history-proof"
    assert client.get(url).status_code == 401
    refused = client.get(url, headers=api_token(client, "receiver.tam-hong@demo.vn"))
    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
    assert client.get("/api/v1/admin/applications/999999/history-proof",
                      headers=_admin_headers(client, db, demo)).status_code == 404


def test_the_admin_page_links_the_download_and_the_cli_verifies_it(app, client, db, history, pki, tmp_path):
    login_with_totp(client, db, "admin@demo.vn")
    home = client.get("/quan-tri/")
    assert "/quan-tri/nhat-ky/bang-chung" in home.get_data(as_text=True)
    page = client.get(f"/quan-tri/nhat-ky/bang-chung?ma={history.code}").get_data(as_text=True)
    assert "Chuỗi băm nguyên vẹn" in page
    download_url = f"/quan-tri/nhat-ky/ho-so/{history.id}/bang-chung.json"
    assert download_url in page
    download = client.get(download_url)
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    path = tmp_path / "proof.json"
    path.write_bytes(download.data)
    runner = app.test_cli_runner()
    good = runner.invoke(args=["audit", "verify-proof", str(path)])
    assert good.exit_code == 0, good.output
    assert "proof valid: " in good.output and history.code in good.output

    proof = json.loads(download.data)
    proof["payload"]["events"][0]["to_state"] = "done"
    path.write_text(json.dumps(proof), encoding="utf-8")
    bad = runner.invoke(args=["audit", "verify-proof", str(path)])
    assert bad.exit_code == 1 and "INVALID the signature does not match" in bad.output, bad.output
