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


def test_regenerating_a_document_replaces_only_the_table_between_its_markers(tmp_path: Path) -> None:
    from reasmory.interpreter.reference import update_document

    doc = tmp_path / "language.md"
    doc.write_text("# Title\n\nbefore\n<!-- operations:start -->\n| stale | table |\n<!-- operations:end -->\nafter\n")
    update_document(str(doc))
    assert doc.read_text() == f"# Title\n\nbefore\n<!-- operations:start -->\n{operations_markdown()}<!-- operations:end -->\nafter\n"
    update_document(str(doc))  # a second run changes nothing
    assert doc.read_text().count("<!-- operations:start -->") == 1 and doc.read_text().endswith("<!-- operations:end -->\nafter\n")


def test_operations_are_listed_by_category_then_name_with_pipes_escaped() -> None:
    rows = operations_markdown().splitlines()
    assert rows[:2] == ["| operation | result | meaning |", "|---|---|---|"]
    names = [row.split("`")[1].split("(")[0] for row in rows[2:]]
    order = ("objects", "geometry", "time", "views", "directions", "rendering", "answers", "general")
    keys = [(order.index(REGISTRY.get(n).category), n) for n in names]
    assert keys == sorted(keys) and len(names) == len(list(REGISTRY))
    render = next(row for row in rows if row.startswith("| `render("))
    assert '"rgb" \\| "semantic" \\| "depth"' in render and render.count(" | ") == 2


def test_the_command_rewrites_the_file_it_is_given_or_docs_language_md(tmp_path: Path, monkeypatch) -> None:
    import runpy
    import sys
    import warnings

    stale = "intro\n<!-- operations:start -->\nold\n<!-- operations:end -->\n"
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "language.md").write_text(stale)
    (tmp_path / "other.md").write_text(stale)
    monkeypatch.chdir(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # runpy: the module is already imported
        monkeypatch.setattr(sys, "argv", ["reference", "other.md"])
        runpy.run_module("reasmory.interpreter.reference", run_name="__main__")
        assert operations_markdown() in (tmp_path / "other.md").read_text()
        assert (tmp_path / "docs" / "language.md").read_text() == stale
        monkeypatch.setattr(sys, "argv", ["reference"])
        runpy.run_module("reasmory.interpreter.reference", run_name="__main__")
        assert operations_markdown() in (tmp_path / "docs" / "language.md").read_text()
