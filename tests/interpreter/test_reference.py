from pathlib import Path

from reasmory.interpreter import REGISTRY
from reasmory.interpreter.reference import operations_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "language.md"


def test_language_doc_lists_the_registry_as_it_is() -> None:
    text = DOC.read_text()
    table = text.split("<!-- operations:start -->\n")[1].split("<!-- operations:end -->")[0]
    assert table == operations_markdown(), "regenerate it: python -m reasmory.interpreter.reference docs/language.md"


def test_every_operation_has_a_doc_line_and_typed_parameters() -> None:
    for op in REGISTRY:
        assert op.doc and not op.doc.endswith(".")
        assert all(p.types for p in op.params)
