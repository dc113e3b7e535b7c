"""Shared by the inbound tests: a national-portal message for a shipped service, signed as the national
portal signs it, with its files kept where the sandbox national portal serves them."""
import json

from portal.national.inbound_signing import signed_headers
from tests.factories import pdf_bytes, valid_data

SERVICE = "dang-ky-khai-sinh"  # commune intake, one required document: the birth notice
UNIT = "tam-hong"
URL = "/api/v1/national/applications"
PERSON = {"ChuHoSo": "  Trần Thị   Mai ", "SoDinhDanh": "026195007777", "SoDienThoai": "+84 912 345 688",
          "Email": "mai.tran@example.vn", "DiaChi": "Thôn Đông, xã Tam Hồng"}


def message(app, demo, code="QG-261203-0000A1B2", files=None, **overrides):
    """A complete message; `files`: (document key, bytes) pairs kept by the sandbox (default: a PDF for
    every document of the service)."""
    from portal.national.sandbox_submit import keep_file
    from portal.operations.catalogue import definition_of
    service = demo.service(SERVICE)
    if files is None:
        files = [(d.key, pdf_bytes(d.label[:20])) for d in definition_of(service.current).documents]
    with app.test_request_context():
        listed = [{"TepDinhKemId": str(i), "TenTepDinhKem": f"{key}.pdf", "MaThanhPhanHoSo": key,
                   "DuongDanTaiTepTin": keep_file(data)} for i, (key, data) in enumerate(files, start=1)]
    body = {"MaHoSo": code, "MaTTHC": service.current.code, "MaDonVi": demo.unit(UNIT).code, **PERSON,
            "NgayNopHoSo": "20261203091500", "KenhThucHien": 2,
            "DuLieuBieuMau": valid_data(SERVICE), "TaiLieuNop": listed}
    body.update(overrides)
    return body


def post(client, app, body, *, secret=None, raw=None, headers=None):
    """POSTs `body` signed with the shared secret (or `secret`); `raw` sends other bytes than those signed."""
    data = json.dumps(body, ensure_ascii=False).encode()
    with app.app_context():
        signed = signed_headers(data, secret) if headers is None else headers
    return client.post(URL, data=raw if raw is not None else data, headers=signed,
                       content_type="application/json")
