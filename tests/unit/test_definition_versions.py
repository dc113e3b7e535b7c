"""A definition read from stored text is the definition read from its file; its hash follows meaning only."""
import pytest

from workflows import DEFINITIONS_DIR
from workflows.engine import DefinitionError, load_workflow, parse_workflow


def test_stored_text_gives_the_same_workflow_and_hash_as_the_file():
    from_file = load_workflow(DEFINITIONS_DIR / "commune.toml")
    from_text = parse_workflow("commune", from_file.source)
    assert from_text.source_hash == from_file.source_hash and len(from_file.source_hash) == 64
    assert from_text.states == from_file.states and from_text.transitions == from_file.transitions
    assert from_file.source == (DEFINITIONS_DIR / "commune.toml").read_text(encoding="utf-8")


def test_the_hash_ignores_comments_and_spacing_but_not_a_label():
    text = (DEFINITIONS_DIR / "commune.toml").read_text(encoding="utf-8")
    original = parse_workflow("commune", text).source_hash
    assert parse_workflow("commune", "# edited\n" + text.replace(" = ", "   =   ")).source_hash == original
    relabelled = text.replace('label = "Nháp"', 'label = "Bản nháp"', 1)
    assert relabelled != text and parse_workflow("commune", relabelled).source_hash != original


def test_stored_text_is_checked_as_a_file_named_after_it():
    with pytest.raises(DefinitionError) as refused:
        parse_workflow("ward", 'title = "Phường"\n')
    assert refused.value.problems[0].startswith("ward.toml: ")
