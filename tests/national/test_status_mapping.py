"""Procedure codes mapped to the national list per unit: the nearest unit's row, else the province's, else the
service's own code; what the sandbox receives; the administrators' page."""
from sqlalchemy import select

from tests.factories import login, post_form
from tests.national.status_support import calm_sandbox  # noqa: F401  (autouse: no faults left)
from tests.national.status_support import TH, statuses, submitted
from tests.operations.helpers import COMMUNE_SERVICE

PAGE = "/quan-tri/ma-thu-tuc-dvcqg"


def test_the_nearest_mapping_wins(app, db, demo):
    from portal.national.mapping import national_code, set_mapping
    service, admin = demo.service(COMMUNE_SERVICE), demo.user("admin@demo.vn")
    own = service.current.code
    tam_hong, dong_van, yen_lac = demo.unit("tam-hong"), demo.unit("dong-van"), demo.unit("yen-lac")
    assert national_code(service, tam_hong, own) == own
    set_mapping(admin, service, None, f"{own}.000.00.00.H62")
    assert national_code(service, tam_hong, own) == f"{own}.000.00.00.H62"
    set_mapping(admin, service, yen_lac, f"{own}.000.00.31.H62")
    assert national_code(service, tam_hong, own) == f"{own}.000.00.31.H62"
    assert national_code(service, demo.unit("tich-son"), own) == f"{own}.000.00.00.H62"
    set_mapping(admin, service, tam_hong, f"{own}.000.21.31.H62")
    assert national_code(service, tam_hong, own) == f"{own}.000.21.31.H62"
    assert national_code(service, dong_van, own) == f"{own}.000.00.31.H62"
    # Saving again replaces, never duplicates.
    set_mapping(admin, service, tam_hong, f"{own}.000.21.32.H62")
    from portal.national.models import ProcedureCodeMapping
    assert len(db.session.scalars(select(ProcedureCodeMapping)).all()) == 3
    assert national_code(service, tam_hong, own) == f"{own}.000.21.32.H62"


def test_a_malformed_code_is_refused(app, db, demo):
    import pytest

    from portal.national.mapping import set_mapping
    from portal.operations import Invalid
    for bad in ("", "1.0048", "1-004873", "abc", "1.004873.000.00.00.h62", None):
        with pytest.raises(Invalid):
            set_mapping(demo.user("admin@demo.vn"), demo.service(COMMUNE_SERVICE), None, bad)


def test_the_mapped_code_is_what_the_national_portal_receives(client, db, demo):
    from portal.national.mapping import set_mapping
    from portal.national.models import SandboxDossier
    service = demo.service(COMMUNE_SERVICE)
    mapped = f"{service.current.code}.000.21.31.H62"
    set_mapping(demo.user("admin@demo.vn"), service, demo.unit(TH), mapped)
    db.session.commit()
    application = submitted(db, demo)
    assert statuses(client, application.code) == [1]
    assert db.session.get(SandboxDossier, application.code).record["MaTTHC"] == mapped
    other = submitted(db, demo, service="dang-ky-khai-sinh")
    assert db.session.get(SandboxDossier, other.code).record["MaTTHC"] == other.service_version.code


def test_the_admin_page_lists_adds_refuses_and_removes(client, db, demo):
    from portal.models import AuditLog
    from portal.national.models import ProcedureCodeMapping
    login(client, "admin@demo.vn")
    page = client.get(PAGE)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Mã thủ tục trên Cổng DVCQG" in html and "Chưa khai báo" in html
    refused = post_form(client, PAGE, {"service": COMMUNE_SERVICE, "unit": "__province__",
                                       "national_code": "1-004873"})
    assert refused.status_code == 200 and "không đúng định dạng" in refused.get_data(as_text=True)
    assert db.session.scalars(select(ProcedureCodeMapping)).all() == []
    saved = post_form(client, PAGE, {"service": COMMUNE_SERVICE, "unit": "yen-lac",
                                     "national_code": "1.004873.000.00.31.H62"})
    assert saved.status_code == 302
    [row] = db.session.scalars(select(ProcedureCodeMapping)).all()
    assert (row.unit.slug, row.national_code) == ("yen-lac", "1.004873.000.00.31.H62")
    listed = client.get(PAGE).get_data(as_text=True)
    assert "1.004873.000.00.31.H62" in listed and "Ủy ban nhân dân huyện Yên Lạc" in listed
    assert db.session.scalars(select(AuditLog).where(AuditLog.action == "national_code.set")).one()
    row_id = row.id
    assert client.post(f"{PAGE}/{row_id}/xoa").status_code == 400  # no CSRF token
    removed = post_form(client, PAGE, {}, post_url=f"{PAGE}/{row_id}/xoa")
    assert removed.status_code == 302
    assert db.session.scalars(select(ProcedureCodeMapping)).all() == []
    assert post_form(client, PAGE, {}, post_url=f"{PAGE}/{row_id}/xoa").status_code == 404


def test_only_administrators_see_the_page(client, db, demo):
    assert client.get(PAGE).status_code == 302  # to the sign-in page
    login(client, f"receiver.{TH}@demo.vn")
    assert client.get(PAGE).status_code == 403
