"""The English catalogue: every message translated, placeholders kept, the compiled .mo in step with the .po,
and the .po in step with the sources (`make translations` was run)."""
import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from tests.i18n.conftest import MO_FILE, PO_FILE

ROOT = Path(__file__).resolve().parents[2]


def _catalog():
    with PO_FILE.open("rb") as f:
        return read_po(f)


def _entries(catalog):
    return [m for m in catalog if m.id]


def test_every_message_has_an_english_translation():
    entries = _entries(_catalog())
    assert len(entries) > 200
    empty = [m.id for m in entries
             if not (all(m.string) if isinstance(m.string, tuple) else m.string)]
    assert empty == []
    assert [m.id for m in entries if m.fuzzy] == []


def test_plural_messages_have_both_english_forms():
    plurals = [m for m in _entries(_catalog()) if m.pluralizable]
    assert plurals
    for message in plurals:
        assert len(message.string) == 2 and message.string[0] != message.string[1], message.id


def test_translations_keep_the_placeholders():
    # babel's checkers compare the %(name)s placeholders of msgid and msgstr.
    problems = [(message.id, [str(e) for e in errors]) for message, errors in _catalog().check()]
    assert problems == []


def test_translations_are_english_not_copies():
    entries = _entries(_catalog())
    assert [m.id for m in entries if m.string == m.id and m.id != "Email"] == []
    vietnamese = set("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")
    # Only the province's proper name keeps its diacritics in English.
    leaks = [m.string for m in entries if vietnamese & set(str(m.string).lower().replace("vĩnh phúc", ""))]
    assert leaks == []


def test_compiled_catalogue_matches_the_po():
    assert MO_FILE.exists(), "run `make translations`"
    with MO_FILE.open("rb") as f:
        compiled = read_mo(f)
    for message in _entries(_catalog()):
        found = compiled.get(message.id)
        assert found is not None, message.id
        as_compiled = tuple(found.string) if message.pluralizable else found.string
        assert as_compiled == message.string, message.id


def test_texts_translated_from_other_modules_are_in_the_catalogue(app):
    from portal.api.errors import DETAILS, TITLES
    ids = {m.id for m in _entries(_catalog())}
    with app.test_request_context("/"):
        context = {}
        app.update_template_context(context)  # portal_name comes from portal/context.py
    expected = set(TITLES.values()) | set(DETAILS.values()) | {context["portal_name"]}
    assert expected - ids == set()


def test_po_is_in_step_with_the_sources(tmp_path):
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run([str(pybabel), "-q", "extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext",
                    "-o", str(pot), "."], cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as f:
        extracted = {m.id for m in read_po(f) if m.id}
    in_po = {m.id for m in _entries(_catalog())}
    assert extracted - in_po == set(), "new texts: run `make translations` and translate them"
    assert in_po - extracted == set(), "texts no longer used: run `make translations`"
