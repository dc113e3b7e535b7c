"""Result documents without holes (issue 14, point 6): a result prints only what the service's form asks,
an answer left empty leaves its line out, `flask services check` reports template values no form field
fills, and the heading is the service's result.title."""
import shutil

import jinja2
import pytest

from portal.documents.render import jinja_env, render_pdf, template_exists
from portal.documents.samples import sample_context
from services.loader import default_directory, load_dir
from services.result_fields import holes, template_values

from .conftest import pdf_text

SHIPPED, _ERRORS = load_dir(default_directory())


def _answer(field):
    """A plausible answer of the field's type (the value itself does not matter, its presence does)."""
    if field.choices:
        return field.choices[0]
    return {"date": "2026-11-02", "integer": max(field.min or 1, 1), "checkbox": True,
            "email": "an@example.vn", "phone": "0912345678", "national_id": "026090001234"}.get(
        field.type, "Nội dung " + field.name)


def _result_pdf(service, data):
    template = service.result["template"]
    context = sample_context(template)
    context["title"] = service.result["title"]
    context["application"] = dict(context["application"], data=data, service_name=service.name,
                                  applicant={"name": "Nguyễn Văn An", "national_id": "", "address": "",
                                             "phone": "", "email": ""})
    return pdf_text(render_pdf(template, context))


def test_shipped_catalogue_loads():
    assert _ERRORS == [] and len(SHIPPED) >= 6


@pytest.mark.parametrize("service", SHIPPED, ids=lambda s: s.slug)
def test_shipped_services_fill_everything_their_result_prints(service):
    assert template_exists(service.result["template"])
    assert holes(service, jinja_env(), service.result["template"]) == []


@pytest.mark.parametrize("service", SHIPPED, ids=lambda s: s.slug)
def test_a_result_with_only_the_required_answers_has_no_hole_and_the_services_title(service):
    data = {field.name: _answer(field) for field in service.fields if field.required}
    text = _result_pdf(service, data)
    assert "…" not in text and "..." not in text
    assert service.result["title"].upper() in text
    for field in service.fields:
        if field.required and field.type in ("text", "textarea") and not field.choices:
            # every required free-text answer the template reads is printed
            if any(field.name in value.names for value in template_values(service.result["template"],
                                                                          jinja_env())):
                assert f"Nội dung {field.name}" in text


def test_a_birth_certificate_without_the_father_leaves_his_lines_out():
    birth = next(s for s in SHIPPED if s.slug == "dang-ky-khai-sinh")
    data = {field.name: _answer(field) for field in birth.fields if field.required}
    data["child_full_name"] = "Nguyễn Minh Khôi"
    without = _result_pdf(birth, data)
    assert "người cha" not in without and "Nguyễn Minh Khôi" in without
    data.update(father_full_name="Nguyễn Văn Bình", father_national_id="026090005678")
    with_father = _result_pdf(birth, data)
    assert "Họ, chữ đệm, tên người cha: Nguyễn Văn Bình" in with_father
    assert "026090005678" in with_father


def _check(app, directory):
    return app.test_cli_runner().invoke(args=["services", "check", "--dir", str(directory)])


def test_services_check_passes_on_the_shipped_catalogue(app):
    result = _check(app, default_directory())
    assert result.exit_code == 0, result.output
    assert "6 services checked, 0 unfilled template value(s), 0 refused" in result.output
    assert "dang-ky-khai-sinh: birth_certificate: OK" in result.output


def test_services_check_reports_what_a_bad_service_leaves_empty(app, tmp_path):
    source = (default_directory() / "dang-ky-khai-sinh.toml").read_text(encoding="utf-8")
    # the birth registration without its "Quê quán" field: the certificate would print a hole
    start = source.index('[[fields]]\nname = "child_hometown"')
    end = source.index("[[fields]]", start + 1)
    (tmp_path / "dang-ky-khai-sinh.toml").write_text(source[:start] + source[end:], encoding="utf-8")
    shutil.copy(default_directory() / "dang-ky-khai-tu.toml", tmp_path)
    result = _check(app, tmp_path)
    assert result.exit_code == 1
    assert "dang-ky-khai-sinh: birth_certificate.html line" in result.output
    assert "no form field fills child_hometown | hometown" in result.output
    assert "dang-ky-khai-tu: death_certificate: OK" in result.output
    assert "2 services checked, 1 unfilled template value(s)" in result.output


def test_services_check_fails_on_a_refused_file(app, tmp_path):
    (tmp_path / "broken.toml").write_text("code = ", encoding="utf-8")
    result = _check(app, tmp_path)
    assert result.exit_code == 1 and "refused: file=broken.toml" in result.output


def _values(source):
    env = jinja2.Environment(loader=jinja2.DictLoader({"t.html": source}))
    return [(v.names, v.has_fallback) for v in template_values("t", env)]


def test_template_values_read_picks_gets_lists_and_fallbacks():
    assert _values('{{ pick(d, "a", "b") }}') == [(("a", "b"), False)]
    assert _values('{{ pick(d, "a")|date_text or "x" }}') == [(("a",), True)]
    assert _values('{{ d.get("flag") }} {{ d["k"] }} {{ d.attr }}') == [
        (("flag",), False), (("k",), False), (("attr",), False)]
    # a joined list prints whichever is there: one value
    assert _values('{{ [pick(d, "lot"), pick(d, "sheet")]|select|join(" / ") }}') == [(("lot", "sheet"), False)]
    # the row list of a macro is not one value
    assert _values('{{ m.rows([("A", pick(d, "a")), ("B", pick(d, "b"))]) }}') == [
        (("a",), False), (("b",), False)]
    assert _values('{{ pick(other, "a") }} {{ x.get("a") }}') == []


def test_template_values_follow_the_parent_template():
    env = jinja2.Environment(loader=jinja2.DictLoader({
        "base.html": '{% block b %}{% endblock %}{{ d.get("in_parent") }}',
        "child.html": '{% extends "base.html" %}{% block b %}{{ pick(d, "in_child") }}{% endblock %}'}))
    assert {v.names for v in template_values("child", env)} == {("in_child",), ("in_parent",)}
