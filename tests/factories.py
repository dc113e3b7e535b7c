"""Factory helpers for tests: units, people, services, applications, files, and logged-in clients."""
import io
import re
import struct
import zlib

from sqlalchemy import select

PASSWORD = "Demo@12345"


def seed_everything(app, db):
    from portal.operations.catalogue import load_catalogue
    from portal.operations.seed import seed_demo
    published, _unchanged, errors = load_catalogue()
    assert not errors, errors
    seed_demo(PASSWORD)
    db.session.commit()
    return Demo(db)


class Demo:
    """Lookups into the demo data by slug and e-mail."""

    def __init__(self, db):
        self.db = db

    def unit(self, slug):
        from portal.models import Unit
        return self.db.session.execute(select(Unit).where(Unit.slug == slug)).scalar_one()

    def user(self, email):
        from portal.models import User
        return self.db.session.execute(select(User).where(User.email == email)).scalar_one()

    def staff(self, role, slug):
        return self.user(f"{role}.{slug}@demo.vn")

    @property
    def citizen(self):
        return self.user("citizen@demo.vn")

    @property
    def citizen2(self):
        return self.user("citizen2@demo.vn")

    def service(self, slug):
        from portal.operations.catalogue import get_service
        return get_service(slug)


def make_citizen(db, email="new@demo.vn", full_name="Hoàng Văn Cường", phone="0901234567",
                 national_id="026099001111", password=PASSWORD):
    from portal.auth.loaders import new_session_token
    from portal.auth.passwords import hash_password
    from portal.models import User
    user = User(email=email, full_name=full_name, phone=phone, national_id=national_id, kind="citizen",
                password_hash=hash_password(password), session_token=new_session_token())
    db.session.add(user)
    db.session.commit()
    return user


def pdf_bytes(text="Ban sao"):
    """A small but real one-page PDF."""
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def png_bytes(width=2, height=2):
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def post_form(client, page_url, data, post_url=None, **kwargs):
    """Fetches the page, takes its CSRF token, and posts the form as a browser would."""
    page = client.get(page_url)
    assert page.status_code == 200, (page_url, page.status_code)
    payload = dict(data)
    payload.setdefault("csrf_token", csrf_token_from(page.get_data(as_text=True)))
    return client.post(post_url or page_url, data=payload, **kwargs)


def login(client, email, password=PASSWORD):
    """Signs in through the login page, and through the second step for administrators and leaders."""
    from tests.admin.helpers import second_factor_code
    code = second_factor_code(email)  # enrols the account first when it needs a second step
    response = post_form(client, "/dang-nhap", {"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    if "/quan-tri/xac-thuc-hai-buoc" in response.headers.get("Location", ""):
        response = post_form(client, "/quan-tri/xac-thuc-hai-buoc", {"code": code})
        assert response.status_code == 302, response.get_data(as_text=True)[:800]
    return response


def api_token(client, email, password=PASSWORD):
    from tests.admin.helpers import second_factor_code
    body = {"email": email, "password": password}
    code = second_factor_code(email)
    if code is not None:
        body["totp"] = code
    response = client.post("/api/v1/auth/token", json=body)
    assert response.status_code == 200, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['access_token']}"}


def sample_value(field):
    """A valid value for any field type, so tests follow the shipped service files as they change."""
    if field.type == "national_id":
        return "026090001234"
    if field.type == "phone":
        return "0912345678"
    if field.type == "email":
        return "nguoi.dan@example.vn"
    if field.type == "date":
        return "2026-11-20"
    if field.type == "integer":
        low = field.min if field.min is not None else 1
        return max(low, 1) if field.max is None or field.max >= 1 else low
    if field.type in ("select", "radio"):
        return field.choices[0]
    if field.type == "checkbox":
        return True
    return "Nguyễn Văn Bình"[: field.max_length or 100]


def valid_data(service_slug, **overrides):
    from portal.operations.catalogue import definition_of, get_service
    definition = definition_of(get_service(service_slug).current)
    data = {f.name: sample_value(f) for f in definition.fields}
    data.update(overrides)
    return data


def make_application(db, citizen, service_slug="dang-ky-khai-sinh", unit_slug="tam-hong", submit=True,
                     data=None):
    """An application made through the operations, as the pages and API make them."""
    from portal.models import Unit
    from portal.operations import applications as ops
    from portal.operations.catalogue import definition_of, get_service
    service = get_service(service_slug)
    unit = db.session.execute(select(Unit).where(Unit.slug == unit_slug)).scalar_one()
    application = ops.create_draft(citizen, service, unit, data or valid_data(service_slug))
    for document in definition_of(service.current).documents:
        ops.attach(application, citizen, document.key, io.BytesIO(pdf_bytes()), f"{document.key}.pdf")
    if submit:
        ops.submit(application, citizen)
    db.session.commit()
    return application
