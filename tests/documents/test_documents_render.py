"""Every document template, rendered and read back as text."""
import unicodedata
from io import BytesIO

import pytest
from pypdf import PdfReader

from portal.documents.render import ALL_TEMPLATES, render_html, render_pdf, template_exists
from portal.documents.samples import sample_context

from .conftest import pdf_text

A4 = (595.3, 841.9)
A5 = (419.5, 595.3)


def _page_size(pdf):
    box = PdfReader(BytesIO(pdf)).pages[0].mediabox
    return round(float(box.width), 1), round(float(box.height), 1)


@pytest.fixture(scope="module")
def rendered():
    return {name: render_pdf(name, sample_context(name)) for name in ALL_TEMPLATES}


@pytest.mark.parametrize("name", ALL_TEMPLATES)
def test_every_kind_reads_back_in_vietnamese(rendered, name):
    text = pdf_text(rendered[name])
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "cộng hòa xã hội chủ nghĩa việt nam" in text.lower()
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "UBND XÃ TAM HỒNG" in text
    assert "Tam Hồng, ngày 27 tháng 11 năm 2026" in text
    assert "Nguyễn Văn An" in text
    assert "Phạm Đức Thắng" in text
    assert "K7Q2-M4XD-9PTA" in text
    assert "http://localhost/verify/K7Q2-M4XD-9PTA" in text
    assert text == unicodedata.normalize("NFC", text)


@pytest.mark.parametrize("name", ALL_TEMPLATES)
def test_every_kind_fits_one_page_in_its_paper_size(rendered, name):
    reader = PdfReader(BytesIO(rendered[name]))
    assert len(reader.pages) == 1
    size = _page_size(rendered[name])
    if name in ("receipt", "payment_receipt"):
        assert size == A5
    elif name in ("control_sheet", "register"):
        assert size == (A4[1], A4[0])
    else:
        assert size == A4


def test_documents_use_the_shipped_liberation_serif(rendered):
    reader = PdfReader(BytesIO(rendered["generic_result"]))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = {str(font.get_object()["/BaseFont"]) for font in fonts.values()}
    assert names and all("DVC-Serif" in name for name in names), names


def test_receipt_has_the_form_01_content(rendered):
    text = pdf_text(rendered["receipt"])
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "Mã hồ sơ: 000.00.21.H62-261127-0001" in text
    assert "Giấy chứng sinh (bản chính)" in text
    assert "Số lượng hồ sơ: 1 (bộ)" in text
    # 07:05 UTC is 14:05 in Vietnam, whatever the server's zone.
    assert "14 giờ 05 phút, ngày 27 tháng 11 năm 2026" in text
    assert "ngày 02 tháng 12 năm 2026" in text


def test_results_print_the_submitted_fields(rendered):
    birth = pdf_text(rendered["birth_certificate"])
    assert "GIẤY KHAI SINH" in birth and "Nguyễn Minh Khôi" in birth and "02/11/2026" in birth
    assert "Trần Thị Hương" in birth
    business = pdf_text(rendered["household_business_certificate"])
    assert "150.000.000 ₫" in business and "Hộ kinh doanh Tạp hóa An Bình" in business
    generic = pdf_text(rendered["generic_result"])
    assert "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in generic
    assert "Họ, chữ đệm và tên: Nguyễn Văn An" in generic


def test_apology_and_supplement_and_payment(rendered):
    apology = pdf_text(rendered["apology"])
    assert "ngày 07 tháng 12 năm 2026" in apology and "xin lỗi" in apology
    supplement = pdf_text(rendered["supplement_request"])
    assert "Bản sao không có chứng thực" in supplement and "Đỗ Thị Lan" in supplement
    payment = pdf_text(rendered["payment_receipt"])
    assert "BIÊN LAI THU PHÍ, LỆ PHÍ" in payment and "8.000 ₫" in payment


def test_markup_typed_into_a_form_prints_as_text():
    hostile = '<script>alert(1)</script>'
    ctx = sample_context("generic_result", data={"full_name": hostile, "purpose": '<b>đậm</b><img src="x">'})
    ctx["application"]["applicant"]["name"] = hostile
    html = render_html("generic_result", ctx)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    text = pdf_text(render_pdf("generic_result", ctx))
    assert "<script>alert(1)</script>" in text
    assert '<b>đậm</b><img src="x">' in text


def test_qr_code_is_drawn_into_the_page():
    with_qr = render_pdf("generic_result", sample_context("generic_result"))
    ctx = sample_context("generic_result")
    ctx["verification"] = {"code": "K7Q2-M4XD-9PTA", "url": "http://localhost/verify/K7Q2-M4XD-9PTA",
                           "qr": "data:image/svg+xml,%3Csvg%20xmlns%3D"
                                 "%27http%3A%2F%2Fwww.w3.org%2F2000%2Fsvg%27"
                                 "%20width%3D%271%27%20height%3D%271%27%3E%3C%2Fsvg%3E"}
    without_qr = render_pdf("generic_result", ctx)

    def content_length(pdf):
        return len(PdfReader(BytesIO(pdf)).pages[0].get_contents().get_data())
    # Hundreds of dark modules: the QR alone makes the page's drawing much longer.
    assert content_length(with_qr) > content_length(without_qr) + 3000
    # The alternative text shows only when the image could not be loaded.
    assert " QR " not in f" {pdf_text(with_qr)} "


def test_template_names_from_service_files_are_looked_up_safely():
    assert template_exists("generic_result") and template_exists("birth_certificate")
    for name in ("", "nope", "../documents/receipt", "_base", "receipt.html", "document.css", "re ceipt"):
        assert not template_exists(name)
    with pytest.raises(LookupError):
        render_html("../../etc/passwd", {})


def test_standalone_html_inlines_the_stylesheet():
    html = render_html("generic_result", sample_context("generic_result"), standalone=True)
    assert "@font-face" in html and "LiberationSerif-Regular.ttf" in html
    assert "@font-face" not in render_html("generic_result", sample_context("generic_result"))
