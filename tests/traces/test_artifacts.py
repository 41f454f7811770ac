"""Trace artifacts: written relative to the trace's folder, read back only from inside it."""

from __future__ import annotations

from pathlib import Path

from reasmory.interpreter import Sandbox
from reasmory.interpreter.trace import Trace
from reasmory.traces import ReportItem, trace_html, value_text


def test_a_trace_names_its_pictures_relative_to_its_own_folder(tmp_path: Path) -> None:
    from reasmory.cli.demo_cmd import example_scene_path
    from reasmory.memory.oracle import from_scene

    memory = from_scene(example_scene_path())
    folder = tmp_path / "out" / "run-artifacts"
    with Sandbox() as sandbox:
        result = sandbox.run('answer(bev(mode="semantic"))', memory, artifacts_dir=folder)
    saved = Trace.load(result.trace.save(tmp_path / "out" / "trace.json"))
    assert saved.steps[0].artifacts == ["run-artifacts/bev-semantic-01.png"]
    assert saved.answer_value["path"] == "run-artifacts/bev-semantic-01.png"
    moved = tmp_path / "moved"
    (tmp_path / "out").rename(moved)
    page = trace_html([ReportItem(Trace.load(moved / "trace.json"))], base=moved)
    assert "data:image/png;base64," in page and "image not shown" not in page


def test_artifacts_outside_the_folder_are_named_not_read(tmp_path: Path) -> None:
    (tmp_path / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"SECRET")
    folder = tmp_path / "trace"
    folder.mkdir()
    (folder / "notes.png").write_text("plain text, not a picture")
    trace = Trace(program="answer(1)\n")
    trace.steps.append(Trace.model_validate({"program": "", "steps": [{"index": 0, "span": {"line": 1, "column": 1, "end_line": 1,
                                             "end_column": 2, "start": 0, "end": 1}, "source": "x",
                                             "artifacts": [str(tmp_path / "secret.png"), "../secret.png", "notes.png"]}]}).steps[0])
    page = trace_html([ReportItem(trace)], base=folder)
    assert "SECRET" not in page and "U0VDUkVU" not in page
    assert page.count("outside the trace") == 2 and "is not a PNG or JPEG file" in page


def test_values_of_any_shape_read_as_text() -> None:
    for value in ({"type": "Number", "value": None}, {"type": "View"}, {"type": "List", "items": 3, "length": "x"},
                  {"type": "Object", "center": [None]}, {"type": "Image", "width": {}}):
        assert value_text(value) == "(unreadable value)"
    assert value_text({"type": "Number", "value": 2.5, "unit": "m"}) == "2.5 m"

