"""The playground driven through prompt_toolkit's pipe input: define, ask, complete, mistype, save, re-run."""

import io
import threading
import time
import os
import subprocess
import sys
from pathlib import Path

import pytest
from prompt_toolkit import PromptSession
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from reasmory.cli.demo_cmd import example_scene_path
from reasmory.memory.oracle import from_scene
from reasmory.playground import PlaygroundSession
from reasmory.playground.completion import CompletionState, suggest
from reasmory.playground.repl import repl


@pytest.fixture()
def memory_file(tmp_path: Path) -> Path:
    return from_scene(example_scene_path()).save(tmp_path / "room.rmem")


def drive(session: PlaygroundSession, *chunks: str) -> str:
    """Type the chunks with a pause between them (completion runs between keystrokes, as it does for a person)."""
    out = io.StringIO()
    console = Console(file=out, width=120, color_system=None)
    session.start()  # a person types once the banner is up, after the run worker has started
    with create_pipe_input() as pipe:
        def typist() -> None:
            for chunk in chunks:
                pipe.send_text(chunk)
                time.sleep(0.4)

        thread = threading.Thread(target=typist)
        thread.start()
        repl(session, console, PromptSession(input=pipe, output=DummyOutput()))
        thread.join()
    return out.getvalue()


def test_session_view_direction_typo_and_save(memory_file: Path, tmp_path: Path) -> None:
    from reasmory.memory import SpatialMemory

    session = PlaygroundSession(SpatialMemory.load(memory_file), ["A. left", "B. right"], tmp_path / "images")
    saved = tmp_path / "session.rp"
    out = drive(
        session,
        'me = view(at=object("sofa"),\r'          # an open bracket: Enter continues the statement
        '  facing=object("tv"))\r'
        'direction(object("lamp"), viewer=me)\r'
        'direction(object("lampp"), viewer=me)\r',
        'count(objects("pil\t',                   # Tab completes the label: pil → pillow
        '"))\r',
        f":vars\r:save {saved}\r:quit\r",
    )
    assert "view at sofa #0 facing tv #1" in out
    assert "→ left" in out
    assert "→ 2 objects" in out  # count(objects("pillow")) after Tab completion
    assert "no object 'lampp' in memory" in out and "did you mean 'lamp'?" in out
    assert "line 1, column 18" in out and "^^^^^^^" in out  # the caret sits under "lampp" in what was typed
    assert saved.read_text() == (
        'me = view(at=object("sofa"),\n  facing=object("tv"))\nanswer(count(objects("pillow")))\n'
    )
    proc = subprocess.run([sys.executable, "-m", "reasmory", "run", str(memory_file), str(saved)], capture_output=True, text=True,
                          env={**os.environ, "NO_COLOR": "1"})
    assert proc.returncode == 0 and proc.stdout.strip() == "2"


def test_completion_offers_labels_words_arguments_and_names() -> None:
    state = CompletionState(labels=["sofa", "tv", "trash bin"], variables=["me"])
    assert [s.text for s in suggest('x = object("t', state)] == ["tv", "trash bin"]
    assert [s.text for s in suggest('direction(object("tv"), viewer=me, granularity="q', state)] == ["quadrant"]
    assert "facing=" in [s.text for s in suggest("view(at=me, f", state)]
    assert [s.text for s in suggest("m", state)][:2] == ["me", "motion"]
    assert [s.text for s in suggest('appearance_order(["tv", "s', state)] == ["sofa"]


def test_commands_list_objects_cameras_and_help(memory_file: Path) -> None:
    from reasmory.memory import SpatialMemory

    session = PlaygroundSession(SpatialMemory.load(memory_file))
    out = drive(session, ":objects\r:cameras\r:help turn\r:help\r:nope\r:trace\r:quit\r")
    assert "pillow" in out
    assert "pillow" in out and "frame" in out
    assert 'turn(view: View, side: "left" | "right" | "back"' in out
    assert "unknown command :nope" in out and "nothing has run yet" in out


def test_commands_with_nothing_to_list_say_so(tmp_path: Path) -> None:
    """`:vars` before any assignment and `:cameras`/`:objects` on a memory without them print a line, not nothing."""
    from reasmory.memory import SpatialMemory
    from reasmory.playground.commands import COMMANDS

    def shown(memory: SpatialMemory, name: str) -> str:
        out = io.StringIO()
        COMMANDS[name](PlaygroundSession(memory), "", Console(file=out, width=120, color_system=None))
        return out.getvalue()

    bare = SpatialMemory()
    assert "no variables yet" in shown(bare, "vars")
    assert "no cameras" in shown(bare, "cameras") and "no objects" in shown(bare, "objects")


def test_highlighting_covers_the_text_exactly_and_keeps_comments() -> None:
    from reasmory.interpreter.syntax import tokens

    source = '  x = 1 # note\nanswer($x)'
    pieces = tokens(source)
    assert "".join(text for _, text in pieces) == source and all(text for _, text in pieces)
    assert pieces[:2] == [("text", "  "), ("name", "x")] and ("comment", "# note") in pieces and pieces[-1] == ("text", "$x)")
    long = "\n".join(f"d{i} = distance(the(objects(\"chair\")), the(objects(\"table\")))" for i in range(12)) + "\nanswer(d0)"
    pieces = tokens(long)  # positions past 256 (Python's small ints): no empty piece creeps in between or after tokens
    assert "".join(text for _, text in pieces) == long and all(text for _, text in pieces)
    assert pieces[-4:] == [("operation", "answer"), ("punctuation", "("), ("name", "d0"), ("punctuation", ")")]
    assert tokens("$$ x") == [("text", "$$ x")]  # unlexable from the first character: the whole text, unchanged
    assert tokens("") == []
