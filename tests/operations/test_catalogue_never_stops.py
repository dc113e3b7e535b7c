"""A refused service file never stops the portal: `services load` (what `make run` runs) reports it (file,
key, reason), loads the rest and exits 0, so the portal starts and serves them; `--strict` keeps the failing
exit code for CI. A service file without `result.template` is valid and issues the generic result under its
`result.title`. The same-day services count their due date from 0 days and the 15:00 cut-off."""
import shutil
import subprocess
import unicodedata
from datetime import datetime

from sqlalchemy import select

from tests.factories import PASSWORD, make_application

NO_TEMPLATE = "xac-nhan-thu-nghiem"


def _catalogue_folder(app, tmp_path):
    """The shipped files, a broken one, and a service written as a file alone (no result template)."""
    folder = tmp_path / "services"
    shutil.copytree(app.config["SERVICES_DIR"], folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    (folder / "hong.toml").write_text('code = "1.000001"\nslug = "hong"\nname = "Hỏng"\nonline_level = 7\n',
                                      encoding="utf-8")
    text = (folder / "xac-nhan-tinh-trang-hon-nhan.toml").read_text(encoding="utf-8")
    text = (text.replace('slug = "xac-nhan-tinh-trang-hon-nhan"', f'slug = "{NO_TEMPLATE}"')
            .replace('code = "1.004873"', 'code = "9.000001"')
            .replace('name = "Cấp Giấy xác nhận tình trạng hôn nhân"', 'name = "Thủ tục thử nghiệm chỉ có tệp"')
            .replace('result = { template = "marital_status_certificate", '
                     'title = "Giấy xác nhận tình trạng hôn nhân", title_en = "Marital status certificate" }',
                     'result = { title = "Giấy xác nhận thử nghiệm" }'))
    assert 'title = "Giấy xác nhận thử nghiệm"' in text and "marital_status_certificate" not in text
    (folder / f"{NO_TEMPLATE}.toml").write_text(text, encoding="utf-8")
    return folder


def _pdf_text(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                         check=True)
    return " ".join(unicodedata.normalize("NFC", out.stdout.decode("utf-8")).split())


def test_a_broken_file_beside_good_ones(app, client, db, tmp_path):
    folder = _catalogue_folder(app, tmp_path)
    runner = app.test_cli_runner()
    loaded = runner.invoke(args=["services", "load", "--dir", str(folder)])
    assert loaded.exit_code == 0, loaded.output
    assert "7 published, 0 unchanged, 1 refused" in loaded.output
    assert "refused: file=hong.toml key=" in loaded.output and "reason=" in loaded.output
    strict = runner.invoke(args=["services", "load", "--strict", "--dir", str(folder)])
    assert strict.exit_code == 1 and "0 published, 7 unchanged, 1 refused" in strict.output

    # the portal serves the good ones (what `flask run` serves after `make seed`)
    listing = client.get("/thu-tuc")
    html = listing.get_data(as_text=True)
    assert listing.status_code == 200
    assert "Đăng ký khai sinh" in html and "Thủ tục thử nghiệm chỉ có tệp" in html and "Hỏng" not in html
    assert client.get(f"/thu-tuc/{NO_TEMPLATE}").status_code == 200
    assert client.get("/thu-tuc/hong").status_code == 404
    assert client.get("/api/v1/services/dang-ky-khai-sinh").status_code == 200


def test_a_service_without_result_template_issues_the_generic_result_under_its_title(app, db, tmp_path):
    from portal.documents.issue import read_document
    from portal.models import Document
    from portal.operations.catalogue import load_catalogue
    from portal.operations.seed import seed_demo
    from portal.operations.transitions import fire
    from tests.factories import Demo
    _published, _unchanged, errors = load_catalogue(_catalogue_folder(app, tmp_path))
    assert [e.file for e in errors] == ["hong.toml"]
    seed_demo(PASSWORD)
    db.session.commit()
    demo = Demo(db)
    application = make_application(db, demo.citizen, NO_TEMPLATE, "tam-hong")
    fire(application, "accept", demo.staff("receiver", "tam-hong"))
    fire(application, "submit_for_approval", demo.staff("handler", "tam-hong"))
    fire(application, "approve", demo.staff("leader", "tam-hong"))
    db.session.commit()
    result = db.session.execute(select(Document).where(Document.application_id == application.id,
                                                       Document.kind == "result")).scalar_one()
    assert result.title == "Giấy xác nhận thử nghiệm"
    text = _pdf_text(read_document(result))
    assert "GIẤY XÁC NHẬN THỬ NGHIỆM" in text.upper() and "Thủ tục thử nghiệm chỉ có tệp" in text


def test_same_day_services_are_due_today_before_the_cut_off_and_the_next_working_day_after(app, db, demo):
    from portal.operations.calendar import current_calendar
    from portal.operations.catalogue import definition_of, get_service
    from portal.operations.transitions import fire
    from portal.timeutil import VN
    calendar = current_calendar()
    for slug in ("dang-ky-khai-sinh", "dang-ky-khai-tu", "chung-thuc-ban-sao-tu-ban-chinh"):
        version = get_service(slug).current
        assert version.processing_days == 0 == definition_of(version).processing_days, slug
        wednesday = datetime(2026, 3, 11, 14, 59, tzinfo=VN)
        assert calendar.due_date(wednesday, version.processing_days).isoformat() == "2026-03-11"
        assert calendar.due_date(wednesday.replace(hour=15, minute=0), version.processing_days).isoformat() \
            == "2026-03-12"
        friday_evening = datetime(2026, 3, 13, 16, 30, tzinfo=VN)
        assert calendar.due_date(friday_evening, version.processing_days).isoformat() == "2026-03-16"
    # accepted now: the due date is today's or the next working day's, by the same rule
    application = make_application(db, demo.citizen, "dang-ky-khai-sinh", "tam-hong")
    fire(application, "accept", demo.staff("receiver", "tam-hong"))
    db.session.commit()
    assert application.due_date == calendar.due_date(application.received_at, 0)
