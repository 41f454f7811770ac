"""`answer()`: compiler questions offline, VLM programs with repairs, the fallback and the reasoner, through the real client."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from reasmory.interpreter import REGISTRY, CheckError, RunError, check
from reasmory.interpreter.context import Context
from reasmory.interpreter.registry import Operation, Param
from reasmory.interpreter.trace import Trace
from reasmory.interpreter.types import IMAGE, TEXT, list_of
from reasmory.interpreter.values import Image
from reasmory.memory import SpatialMemory

import reasmory
from reasmory.answering import Answer, answer
from reasmory.answering.clients.base import VLMError
from reasmory.answering.fallback import FallbackUnavailable, fallback_program, mentioned_labels
from reasmory.answering.generate import extract_program
from reasmory.answering.reasoner import choice
from reasmory.compiler import UnsupportedQuestion

from .conftest import Reply, ScriptedServer

DIRECTION = "If I am standing by the sofa and facing the tv, is the window to the left or the right of the tv?"
FREE = "Would the lamp fit between the sofa and the door?"  # a question the offline reader does not read
# A template naming an object no memory holds: its program fails its checks.
UNKNOWN = "What is the length of the longest dimension (length, width, or height) of the unicorn, measured in centimeters?"
GOOD = 'answer(distance(object("lamp"), object("sofa")) < distance(object("lamp"), object("door")))\n'


def test_compiler_questions_are_answered_offline_from_a_memory(living_room: SpatialMemory, tmp_path: Path) -> None:
    result = answer(living_room, "How many chairs are in this room?", cache_dir=tmp_path)
    assert isinstance(result, Answer) and result.answer == "2" and result.generator == "compiler"
    assert result.program == 'answer(count(objects("chairs")))\n' and result.memory is living_room
    assert [(a.kind, a.ok) for a in result.trace.attempts] == [("compile", True)]
    assert result.trace.generator == "compiler" and result.trace.question == "How many chairs are in this room?"


def test_compiler_questions_are_answered_from_an_rmem_with_options(living_room_rmem: Path, tmp_path: Path) -> None:
    result = reasmory.answer(str(living_room_rmem), DIRECTION, ["A. left", "B. right"], cache_dir=tmp_path)
    assert result.answer == "B" and result.generator == "compiler" and reasmory.Answer is Answer


def test_free_form_questions_without_a_vlm_say_what_to_configure(living_room: SpatialMemory) -> None:
    for generator in ("auto", "vlm", "compiler"):
        with pytest.raises(UnsupportedQuestion) as err:
            answer(living_room, FREE, generator=generator)
        assert "REASMORY_VLM_BASE_URL" in err.value.one_line() and "REASMORY_VLM_MODEL" in err.value.one_line()
        assert "docs/vlm.md" in err.value.one_line()


def test_a_vlm_writes_the_program_from_a_generated_prompt_under_the_grammar(living_room: SpatialMemory, server: ScriptedServer,
                                                                           vlm: dict) -> None:
    server.owned_by = "vllm"
    server.script("```\n" + GOOD + "```")
    result = answer(living_room, FREE, **vlm)
    assert result.answer == "yes" and result.generator == "vlm:scripted-vlm" and result.program == GOOD
    request = server.requests[0]
    system, user = (m["content"] for m in request["messages"])
    assert all(op.name + "(" in system for op in REGISTRY) and "turn_towards" in system and '"quadrant"' in system
    assert "chair ×2" in user and "Frames: 6" in user and FREE in user
    assert "start:" in request["guided_grammar"] and request["structured_outputs"]["grammar"] == request["guided_grammar"]
    assert [(a.kind, a.ok, a.constrained) for a in result.trace.attempts] == [("generate", True, True)]


def test_refused_programs_go_back_with_their_diagnostics_until_one_runs(living_room: SpatialMemory, server: ScriptedServer,
                                                                       vlm: dict) -> None:
    server.script('answer(distance(object("lamp")', 'answer(object("lamp") + 1)', "answer(1/0)", GOOD)
    result = answer(living_room, FREE, max_repairs=3, **vlm)
    assert result.answer == "yes"
    attempts = result.trace.attempts
    assert [a.kind for a in attempts] == ["generate", "repair", "repair", "repair"]
    assert [a.diagnostics[0].code for a in attempts[:3]] == ["unclosed-bracket", "type-mismatch", "division-by-zero"]
    assert [a.diagnostics[0].stage for a in attempts[:3]] == ["parse", "check", "run"]
    second = server.requests[1]["messages"]
    assert second[-2] == {"role": "assistant", "content": 'answer(distance(object("lamp")\n'}
    sent = second[-1]["content"]
    assert '"code": "unclosed-bracket"' in sent and "^" in sent and "corrected program" in sent
    assert len(server.requests[3]["messages"]) == 2 + 2 * 3


def test_a_compiled_program_that_fails_is_repaired_by_the_vlm(living_room: SpatialMemory, server: ScriptedServer, vlm: dict) -> None:
    server.script('answer(count(objects("chair")))')
    result = answer(living_room, UNKNOWN, **vlm)
    assert result.answer == "2" and result.generator == "vlm:scripted-vlm"
    kinds = [(a.kind, a.generator, a.ok) for a in result.trace.attempts]
    assert kinds == [("compile", "compiler", False), ("repair", "vlm:scripted-vlm", True)]
    assert '"code": "unknown-label"' in server.requests[0]["messages"][-1]["content"]


@pytest.mark.parametrize(("max_repairs", "kinds"), [(0, ["compile"]), (1, ["compile", "repair"]), (2, ["compile", "repair", "repair"])])
def test_a_failed_compiled_program_uses_up_a_repair(living_room: SpatialMemory, server: ScriptedServer, vlm: dict,
                                                   monkeypatch: pytest.MonkeyPatch, max_repairs: int, kinds: list[str]) -> None:
    """max_repairs counts every refusal sent back to the VLM, the compiled program's included."""
    monkeypatch.delitem(REGISTRY._ops, "bev", raising=False)
    server.script("answer(", "answer(", "answer(")
    with pytest.raises(FallbackUnavailable) as err:
        answer(living_room, UNKNOWN, max_repairs=max_repairs, **vlm)
    assert [a.kind for a in err.value.attempts] == kinds
    assert len(server.requests) == max_repairs


def test_a_compiled_program_that_fails_without_a_vlm_reports_its_errors(living_room: SpatialMemory) -> None:
    with pytest.raises(CheckError, match="no object 'unicorn'") as err:
        answer(living_room, UNKNOWN)
    assert [a.kind for a in err.value.attempts] == ["compile"]


def test_generator_vlm_skips_the_compiler(living_room: SpatialMemory, server: ScriptedServer, vlm: dict) -> None:
    server.script('answer(count(objects("chair")) + 0)')
    result = answer(living_room, "How many chairs are in this room?", generator="vlm", **vlm)
    assert result.answer == "2" and [a.kind for a in result.trace.attempts] == ["generate"]


def test_generator_compiler_never_asks_the_vlm(living_room: SpatialMemory, server: ScriptedServer, vlm: dict) -> None:
    server.script(GOOD)
    with pytest.raises(UnsupportedQuestion):
        answer(living_room, FREE, generator="compiler", **vlm)
    with pytest.raises(CheckError, match="no object"):
        answer(living_room, UNKNOWN, generator="compiler", **vlm)
    assert server.requests == []


def test_attempt_durations_are_milliseconds(living_room: SpatialMemory, server: ScriptedServer, vlm: dict,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Each attempt is timed from its start to its outcome on the search's clock (here: a quarter second a reading)."""
    from reasmory.answering import generate

    ticks = itertools.count(0.0, 0.25)
    monkeypatch.setattr(generate, "time", SimpleNamespace(perf_counter=lambda: next(ticks)))
    server.script('answer(count(objects("chair")))')
    result = answer(living_room, UNKNOWN, **vlm)
    assert [(a.kind, a.duration_ms) for a in result.trace.attempts] == [("compile", 250.0), ("repair", 250.0)]
    server.script(*[Reply(status=500, body={"error": {"message": "down"}})] * 3)
    with pytest.raises(VLMError) as err:
        answer(living_room, FREE, **vlm)
    assert [a.duration_ms for a in err.value.attempts] == [250.0]


def test_a_question_the_compiler_cannot_read_is_timed_as_an_attempt(living_room: SpatialMemory, monkeypatch: pytest.MonkeyPatch) -> None:
    from reasmory.answering import generate

    ticks = itertools.count(10.0, 0.25)
    monkeypatch.setattr(generate, "time", SimpleNamespace(perf_counter=lambda: next(ticks)))
    with pytest.raises(UnsupportedQuestion) as err:
        answer(living_room, FREE, generator="compiler")
    assert [(a.kind, a.duration_ms) for a in err.value.attempts] == [("compile", 250.0)]


@pytest.mark.parametrize(("grammar", "sent"), [("vllm", True), ("openai", True), ("off", False)])
def test_the_grammar_setting_decides_whether_decoding_is_constrained(living_room: SpatialMemory, server: ScriptedServer, vlm: dict,
                                                                     grammar: str, sent: bool) -> None:
    server.script(GOOD)
    answer(living_room, FREE, grammar=grammar, **vlm)
    (request,) = server.requests
    assert bool({"guided_grammar", "tools"} & set(request)) is sent


def test_server_failures_while_generating_are_one_clear_error(living_room: SpatialMemory, server: ScriptedServer, vlm: dict) -> None:
    server.script(*[Reply(status=500, body={"error": {"message": "down"}})] * 3)
    with pytest.raises(VLMError, match="gave no answer after 3 tries") as err:
        answer(living_room, FREE, **vlm)
    [attempt] = err.value.attempts
    assert attempt.kind == "generate" and not attempt.ok and "HTTP 500: down" in attempt.error


def test_retries_and_timeouts_are_invisible_when_the_server_recovers(living_room: SpatialMemory, server: ScriptedServer,
                                                                    vlm: dict) -> None:
    server.script(Reply(status=429, body={}, headers={"Retry-After": "0"}), Reply(text="late", delay=0.5), GOOD)
    result = answer(living_room, FREE, **{**vlm, "vlm_timeout": 0.2})
    assert result.answer == "yes" and len(server.requests) == 3


def test_when_repairs_run_out_without_bev_the_fallback_says_so(living_room: SpatialMemory, server: ScriptedServer, vlm: dict,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(REGISTRY._ops, "bev", raising=False)
    server.script("answer(", "answer(", "answer(")
    with pytest.raises(FallbackUnavailable, match="needs the operation 'bev'") as err:
        answer(living_room, FREE, max_repairs=2, **vlm)
    assert [a.kind for a in err.value.attempts] == ["generate", "repair", "repair"]
    assert len(server.requests) == 3


def test_the_fallback_program_checks_against_the_registered_bev(living_room: SpatialMemory) -> None:
    if "bev" not in REGISTRY:
        pytest.skip("the bev operation is not registered in this installation")
    program = fallback_program("Is the lamp nearer the sofa or the door?", living_room)
    assert program == 'answer(bev(mode="semantic", highlight=["lamp", "sofa", "door"]))\n'
    assert check(program, living_room, ["A. sofa", "B. door"]) == []


def test_a_fallback_map_that_fails_is_the_error_raised(living_room: SpatialMemory, server: ScriptedServer, vlm: dict,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from reasmory.interpreter.context import OpError

    def broken(ctx: Context, mode: str = "rgb", highlight: tuple[str, ...] = ()) -> Image:
        raise OpError("the map cannot be drawn", code="run-error")

    params = (Param("mode", (TEXT,), "rgb", choices=("rgb", "semantic")), Param("highlight", (list_of(TEXT),), ()))
    monkeypatch.setitem(REGISTRY._ops, "bev", Operation("bev", params, IMAGE, "top-down map (failing stand-in)", broken, renders=True))
    monkeypatch.setenv("REASMORY_ISOLATE", "0")  # the stand-in exists in this process only, not in the run server's workers
    server.script("answer(", "answer(")
    with pytest.raises(RunError, match="the map cannot be drawn") as err:
        answer(living_room, FREE, max_repairs=1, **vlm)
    assert [a.kind for a in err.value.attempts] == ["generate", "repair", "fallback"]


@pytest.fixture
def bev(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    """A fast stand-in for `bev` that draws object centres: the fallback and reasoner plumbing, not the renderer, is under test."""
    calls: list[dict] = []

    def draw(ctx: Context, mode: str = "rgb", highlight: tuple[str, ...] = ()) -> Image:
        from PIL import Image as PILImage
        from PIL import ImageDraw

        calls.append({"mode": mode, "highlight": highlight})
        picture = PILImage.new("RGB", (64, 64), "white")
        pen = ImageDraw.Draw(picture)
        for obj in ctx.memory.objects:
            x, y = (int(32 + 5 * c) for c in obj.box.center[:2])
            pen.ellipse((x - 2, y - 2, x + 2, y + 2), fill="red" if obj.label in highlight else "black")
        assert ctx.artifacts_dir is not None
        ctx.artifacts_dir.mkdir(parents=True, exist_ok=True)
        path = ctx.artifacts_dir / f"bev-{len(calls)}.png"
        picture.save(path)
        ctx.artifacts.append(str(path))
        return Image(str(path), 64, 64, f"top-down map ({mode}), highlighted: {', '.join(highlight) or 'none'}")

    params = (Param("mode", (TEXT,), "rgb", choices=("rgb", "semantic")), Param("highlight", (list_of(TEXT),), ()))
    monkeypatch.setitem(REGISTRY._ops, "bev", Operation("bev", params, IMAGE, "top-down map (test stand-in)", draw, renders=True,
                                                         category="rendering"))
    return calls


def test_when_repairs_run_out_the_fallback_map_goes_to_the_reasoner(living_room: SpatialMemory, server: ScriptedServer, vlm: dict,
                                                                    bev: list[dict], tmp_path: Path) -> None:
    server.script("answer(", 'answer(object("unicorn"))', "The answer is B.")
    result = answer(living_room, "Which would look nicer beside the sofa, the lamp or the door?", ["A. lamp", "B. door"], max_repairs=1,
                    artifacts_dir=tmp_path / "art", **vlm)
    assert result.answer == "B" and result.generator == "fallback"
    assert result.program.startswith('answer(bev(mode="semantic", highlight=["sofa", "lamp", "door"]')
    assert [a.kind for a in result.trace.attempts] == ["generate", "repair", "fallback", "reason"]
    reason = result.trace.attempts[-1]
    assert reason.reply == "The answer is B." and reason.answer == "B" and reason.images and Path(reason.images[0]).is_file()
    parts = server.requests[2]["messages"][1]["content"]
    assert parts[0]["type"] == "text" and "A. lamp | B. door" in parts[0]["text"] and "letter" in parts[0]["text"]
    assert parts[1]["text"].startswith("Picture 1") and parts[2]["image_url"]["url"].startswith("data:image/png;base64,")
    assert result.trace.answer == "B"


def test_image_answers_need_a_vlm_to_look_at_them(living_room: SpatialMemory, bev: list[dict], tmp_path: Path) -> None:
    from reasmory.interpreter import run

    from reasmory.answering.generate import Search
    from reasmory.answering.pipeline import _final_answer
    from reasmory.answering.settings import Settings

    outcome_runner = lambda src, memory: run(src, memory, [], artifacts_dir=tmp_path)  # noqa: E731
    search = Search("q", [], living_room, Settings.load(), None, outcome_runner)
    outcome, _ = search._try('answer(bev(mode="semantic"))\n', "fallback", "fallback")
    with pytest.raises(UnsupportedQuestion, match="answers with pictures"):
        _final_answer(outcome, "q", [], None, search.attempts)


def test_the_trace_keeps_every_attempt_through_json(living_room: SpatialMemory, server: ScriptedServer, vlm: dict, tmp_path: Path) -> None:
    server.script("answer(", GOOD)
    result = answer(living_room, FREE, **vlm)
    loaded = Trace.load(result.trace.save(tmp_path / "t.json"))
    assert [a.kind for a in loaded.attempts] == ["generate", "repair"] and loaded.attempts[0].diagnostics[0].code == "unclosed-bracket"
    assert json.loads((tmp_path / "t.json").read_text())["schema_version"] == 1


@pytest.mark.parametrize(
    ("reply", "options", "expected"),
    [("B", ["A. left", "B. right"], "B"), ("b) right", ["A. left", "B. right"], "B"), ("The answer is A.", ["A. x", "B. y"], "A"),
     ("right", ["A. left", "B. right"], "B"), ("Z", ["A. left", "B. right"], "Z"), (" 2.5 m \n", None, "2.5 m")],
)
def test_reasoner_replies_become_option_letters(reply: str, options: list[str] | None, expected: str) -> None:
    assert choice(reply, options) == expected


def test_programs_are_taken_out_of_code_fences() -> None:
    assert extract_program("Here:\n```python\nanswer(1)\n```\nDone") == "answer(1)\n"
    assert extract_program("  answer(2)  ") == "answer(2)\n"


def test_mentioned_labels_tolerate_plurals_and_synonyms(living_room: SpatialMemory) -> None:
    assert mentioned_labels("Are the chairs nearer the couch or the TV?", living_room) == ["chair", "sofa", "tv"]



def test_lists_of_images_go_to_the_reasoner_each_with_its_caption(tmp_path: Path) -> None:
    from reasmory.answering.reasoner import image_parts, images_of

    a, b = Image("a.png", 8, 6, "view from camera 0"), Image(str(tmp_path / "b.png"), 8, 6, "top-down map")
    assert images_of(a) == [a] and images_of((a, b)) == [a, b] and images_of((a, 1.0)) is None and images_of(2.0) is None
    parts = image_parts([a, b])  # a relative path is where the run wrote it, from the current folder: not joined again
    assert [p.path for p in parts] == [Path("a.png"), tmp_path / "b.png"]
    assert parts[0].caption == "Picture 1 (8×6): view from camera 0" and parts[1].caption.startswith("Picture 2")


def test_the_trace_tree_shows_usage_and_whether_the_grammar_applied(living_room: SpatialMemory, server: ScriptedServer,
                                                                    vlm: dict) -> None:
    from rich.console import Console

    from reasmory.traces import trace_tree

    server.script(Reply(text='answer(object("couchh"))', usage=(1200, 30)), Reply(text=GOOD, usage=(1300, 25)))
    result = answer(living_room, FREE, vlm_input_price=1.0, vlm_output_price=10.0, **vlm)
    assert result.usage.calls == 2 and result.trace.usage == result.usage and result.usage.input_tokens == 2500
    console = Console(record=True, width=200)
    console.print(trace_tree(result.trace))
    text = console.export_text()
    assert f"attempts  (2 model calls, 2,500 tokens in, 55 out, ${result.usage.cost_usd:.4f})" in text
    assert text.count("grammar sent, not confirmed") == 2


def test_a_declined_question_is_not_handed_to_the_vlm(living_room: SpatialMemory, server: ScriptedServer, vlm: dict) -> None:
    """What geometry cannot show (colour, material, brand, people) is declined with its reason, a VLM configured or not."""
    from reasmory.compiler import DeclinedQuestion

    server.script(GOOD)
    with pytest.raises(DeclinedQuestion, match="declined") as err:
        answer(living_room, "What colour is the sofa?", **vlm)
    assert server.requests == [] and [a.kind for a in err.value.attempts] == ["compile"]


def test_a_refused_compiled_program_is_timed_from_its_own_start(living_room: SpatialMemory, monkeypatch: pytest.MonkeyPatch) -> None:
    from reasmory.answering import generate

    ticks = itertools.count(10.0, 0.25)
    monkeypatch.setattr(generate, "time", SimpleNamespace(perf_counter=lambda: next(ticks)))
    with pytest.raises(CheckError, match="no object 'unicorn'") as err:
        answer(living_room, UNKNOWN)
    assert [(a.kind, a.duration_ms) for a in err.value.attempts] == [("compile", 250.0)]


def test_an_empty_label_is_never_sent_to_the_detector(living_room: SpatialMemory) -> None:
    """`objects("")` names no label: refused as unknown, and not grounded (a detector would look for nothing)."""
    from reasmory.answering.generate import Search
    from reasmory.answering.settings import Settings
    from reasmory.interpreter import run

    def grounder(memory: SpatialMemory, labels: list[str], index: int):  # noqa: ANN202 — the Grounder protocol
        pytest.fail(f"the detector was asked for {labels}")

    search = Search(FREE, None, living_room, Settings(generator="vlm"), None, run, grounder)
    outcome, (program, refusal) = search._try('answer(count(objects("")))\n', "generate", "scripted")
    assert outcome is None and [(d.code, d.subject) for d in refusal.diagnostics] == [("unknown-label", "")]
    assert [a.kind for a in search.attempts] == ["generate"]
