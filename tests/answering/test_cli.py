"""`reasmory answer` from the terminal: exit 0 with the answer, 1 when it cannot be answered, 2 for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reasmory.cli import main

from .conftest import ScriptedServer


@pytest.fixture(autouse=True)
def plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")


def test_a_compiler_question_prints_its_answer_and_writes_the_trace(living_room_rmem: Path, tmp_path: Path, capsys) -> None:
    trace = tmp_path / "t.json"
    assert main(["answer", str(living_room_rmem), "How many chairs are in this room?", "--trace", str(trace)]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == "2" and "program (compiler)" in err and 'answer(count(objects("chairs")))' in err
    data = json.loads(trace.read_text())
    assert data["generator"] == "compiler" and data["attempts"][0]["kind"] == "compile" and data["answer"] == "2"


def test_options_follow_the_question(living_room_rmem: Path, capsys) -> None:
    question = "If I am standing by the sofa and facing the tv, is the window to the left or the right of the tv?"
    assert main(["answer", str(living_room_rmem), question, "--options", "A. left", "B. right"]) == 0
    assert capsys.readouterr().out.strip() == "B"


def test_a_free_form_question_without_a_vlm_exits_1_naming_the_settings(living_room_rmem: Path, capsys) -> None:
    assert main(["answer", str(living_room_rmem), "What is the nicest chair?"]) == 1
    err = capsys.readouterr().err
    assert "REASMORY_VLM_BASE_URL" in err and "docs/vlm.md" in err and "Traceback" not in err


def test_bad_input_exits_2(tmp_path: Path, capsys) -> None:
    assert main(["answer", str(tmp_path / "absent.rmem"), "How many chairs are in this room?"]) == 2
    assert "no file or folder" in capsys.readouterr().err
    assert main(["answer", str(tmp_path), "x?", "--generator", "sometimes"]) == 2


def test_a_refused_program_prints_its_errors_and_the_attempts(living_room_rmem: Path, tmp_path: Path, capsys) -> None:
    trace = tmp_path / "t.json"
    question = "What is the length of the longest dimension (length, width, or height) of the unicorn, measured in centimeters?"
    assert main(["answer", str(living_room_rmem), question, "--trace", str(trace)]) == 1
    err = capsys.readouterr().err
    assert "unknown-label" in err and "^^^" in err
    data = json.loads(trace.read_text())
    assert data["attempts"][0]["kind"] == "compile" and data["error"]["code"] == "unknown-label"


def test_the_configured_vlm_answers_free_form_questions(living_room_rmem: Path, server: ScriptedServer, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("REASMORY_VLM_BASE_URL", server.url)
    monkeypatch.setenv("REASMORY_VLM_MODEL", "scripted-vlm")
    monkeypatch.setenv("REASMORY_CACHE_DIR", str(tmp_path / "cache"))
    server.script('answer(count(objects("pillow")) + count(objects("chair")))')
    assert main(["answer", str(living_room_rmem), "How many things can I sit or lean on?", "--generator", "vlm"]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == "4" and "program (vlm:scripted-vlm)" in err


def test_help_has_an_example(capsys) -> None:
    assert main(["answer", "--help"]) == 0
    assert "Example:" in capsys.readouterr().out
