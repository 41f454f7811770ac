"""Traces record every statement with spans, summarised values, units, warnings and timing, and round-trip as JSON."""

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from reasmory.errors import InputError
from reasmory.interpreter import RunError, Trace, run

PROGRAM = '''sofa = object("sofa")
me = view(at=sofa, facing=object("tv"))
d = distance(object("lamp"), object("chair"))
side = direction(object("table"), viewer=me)
answer(choose(side, options))
'''


def test_trace_records_each_statement(cross) -> None:
    result = run(PROGRAM, cross, ["A. left", "B. right"], question="Is the table left or right?")
    trace = result.trace
    assert [s.target for s in trace.steps] == ["sofa", "me", "d", "side", None]
    assert trace.steps[0].result == {"type": "Object", "id": 0, "label": "sofa", "center": [0.0, 0.0, 0.4]}
    assert trace.steps[1].result["heading_deg"] == 90.0 and trace.steps[1].result["origin"] == "at sofa #0 facing tv #1"
    assert trace.steps[2].result["unit"] == "m"
    assert "2 instances of 'chair'" in trace.steps[2].warnings[0]
    assert [c.operation for c in trace.steps[3].calls] == ["object", "direction"]
    assert trace.steps[3].args["viewer"]["type"] == "View"
    assert trace.steps[3].span.line == 4 and trace.steps[3].source.startswith("side = direction")
    assert trace.answer == "B" and trace.question.startswith("Is the table")
    assert trace.total_ms > 0 and all(s.duration_ms >= 0 for s in trace.steps)
    assert trace.answer_value == trace.steps[-1].result == {"type": "Text", "value": "B"}  # the answer step's, the last


def test_a_run_s_total_and_preparation_times_are_in_milliseconds(cross, monkeypatch: pytest.MonkeyPatch) -> None:
    """Wall time from the start of `run` to the end of execution, and the preparation the run's context measured."""
    import reasmory.interpreter as interpreter

    clock = iter([10.0, 10.25])  # run reads the clock when it starts and when execution ends
    real_execute = interpreter.execute

    def prepared(program, ctx, trace):  # noqa: ANN001, ANN202 — execute's own signature
        ctx.preparation_s = 0.125
        return real_execute(program, ctx, trace)

    monkeypatch.setattr(interpreter, "time", SimpleNamespace(perf_counter=lambda: next(clock)))
    monkeypatch.setattr(interpreter, "execute", prepared)
    trace = run('answer(count(objects("chair")))', cross).trace
    assert (trace.total_ms, trace.preparation_ms) == (250.0, 125.0)


def test_an_answer_keeps_the_unit_of_the_value_it_passes_on(cross) -> None:
    direct = run('answer(distance(object("sofa"), object("tv")))', cross).trace.steps[-1].result
    rounded = run('d = round(distance(object("sofa"), object("tv")), 1)\nanswer(d)', cross).trace.steps
    assert direct["unit"] == "m" and [s.result.get("unit") for s in rounded] == ["m", "m"]
    assert "unit" not in run("answer(2)", cross).trace.steps[-1].result


def test_a_trace_read_back_from_its_file_knows_the_objects_each_step_used(cross, tmp_path: Path) -> None:
    trace = run(PROGRAM, cross, ["A. left", "B. right"]).trace
    loaded = Trace.load(trace.save(tmp_path / "trace.json"))
    assert [s.touched_objects() for s in loaded.steps] == [s.touched_objects() for s in trace.steps]
    assert loaded.object_ids() == trace.object_ids() and len(trace.object_ids()) >= 4
    chairs = Trace.load(run('answer(count(objects("chair")))', cross).trace.save(tmp_path / "chairs.json"))
    assert chairs.steps[0].touched_objects() == {5: {}, 6: {}} and chairs.object_ids() == [5, 6]


def test_each_call_is_timed_from_its_start_to_its_result(cross, monkeypatch: pytest.MonkeyPatch) -> None:
    import itertools
    import time
    from types import SimpleNamespace

    from reasmory.interpreter import executor

    ticks = itertools.count(time.perf_counter(), 0.5)  # the time budget is checked on the real clock
    monkeypatch.setattr(executor, "time", SimpleNamespace(perf_counter=lambda: next(ticks)))
    (step,) = run('answer(count(objects("chair")))', cross).trace.steps
    assert [(c.operation, c.duration_ms) for c in step.calls] == [("objects", 500.0), ("count", 500.0), ("answer", 500.0)]


def test_trace_json_round_trip_without_the_memory(cross, tmp_path: Path) -> None:
    trace = run(PROGRAM, cross, ["A. left", "B. right"]).trace
    path = trace.save(tmp_path / "t.json")
    data = json.loads(path.read_text())
    assert data["schema_version"] == 1 and data["memory_id"] == cross.memory_id
    assert Trace.load(path) == trace


def test_failed_run_keeps_a_partial_trace(cross) -> None:
    with pytest.raises(RunError) as info:
        run('me = view(at=object("sofa"), facing=object("tv"))\nanswer(direction(object("sofa"), viewer=me))', cross)
    trace = info.value.trace
    assert len(trace.steps) == 2 and trace.error.code == "same-position" and trace.error.span.line == 2


def test_malformed_trace_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema_version": 1}')
    with pytest.raises(InputError, match="not a valid Reasmory trace: program"):
        Trace.load(bad)
    bad.write_text("{nope")
    with pytest.raises(InputError, match="not a valid Reasmory trace"):
        Trace.load(bad)


def test_usage_totals_add_every_count_and_start_from_nothing() -> None:
    from reasmory.interpreter.trace import Usage

    first = Usage(calls=1, input_tokens=10, output_tokens=3, cached_input_tokens=2, reasoning_tokens=1, cost_usd=0.5)
    second = Usage(calls=2, input_tokens=5, output_tokens=1, cached_input_tokens=0, reasoning_tokens=4, cost_usd=0.25)
    assert Usage.total([first, second]) == Usage(calls=3, input_tokens=15, output_tokens=4, cached_input_tokens=2, reasoning_tokens=5,
                                                 cost_usd=0.75)
    assert Usage.total([]) == Usage(calls=0, input_tokens=0, output_tokens=0, cached_input_tokens=0, reasoning_tokens=0)


def test_usage_and_reading_read_as_short_lines() -> None:
    from reasmory.interpreter.trace import Reading, Usage

    assert Usage(calls=1, input_tokens=3104, output_tokens=212).line() == "1 model call, 3,104 tokens in, 212 out"
    priced = Usage(calls=2, input_tokens=3104, output_tokens=212, cached_input_tokens=1024, cost_usd=0.0012)
    assert priced.line() == "2 model calls, 3,104 tokens in (1,024 cached), 212 out, $0.0012"
    assert Usage(calls=1, cost_usd=0.0).line() == "1 model call, 0 tokens in, 0 out, $0.0000"  # free, not unpriced
    assert Reading(operation="count").lines() == ["read as: count"]
    full = Reading(operation="distance", cues=["how far"], names=["'couch' → 'sofa'"], unit="ft", notes=["n"], declined="d",
                   examples=["How far is the sofa from the tv?"])
    assert full.lines() == ["read as: distance (cue: 'how far')", "name: 'couch' → 'sofa'", "unit: ft", "note: n", "declined: d",
                            "try: How far is the sofa from the tv?"]


def test_what_a_trace_records_before_anything_sets_it(cross) -> None:
    """A run stopped by the sandbox, a failed attempt and a hand-written step keep these: nothing took time, nothing worked."""
    from reasmory.interpreter.trace import Attempt, TraceStep

    stopped = Trace(program="answer(1)\n")
    assert (stopped.total_ms, stopped.preparation_ms, stopped.steps, stopped.answer) == (0.0, 0.0, [], None)
    assert Attempt(index=0, kind="compile", generator="compiler", error="not understood").ok is False
    step = TraceStep.model_validate({"index": 0, "span": {"line": 1, "column": 1, "end_line": 1, "end_column": 2, "start": 0, "end": 1},
                                     "source": "x"})
    assert step.duration_ms == 0.0 and step.calls == [] and step.touched_objects() == {}


def test_a_set_made_outside_the_memory_summarises_its_labels_from_its_objects(cross) -> None:
    from reasmory.interpreter.trace import summarize
    from reasmory.interpreter.values import ObjectSet

    chosen = ObjectSet("things", (cross.find("tv")[0], *cross.find("chair"), cross.find("sofa")[0]))  # no cached rows or labels
    assert summarize(chosen)["labels"] == ["chair", "sofa", "tv"] and summarize(chosen)["count"] == 4


def test_a_saved_trace_is_indented_and_names_every_picture_relative_to_its_folder(cross, tmp_path: Path) -> None:
    program = 'maps = [bev(), bev(mode="semantic")]\nanswer(count(objects("chair")))'
    trace = run(program, cross, artifacts_dir=tmp_path / "pictures").trace
    path = trace.save(tmp_path / "trace.json")
    assert path.read_text().startswith('{\n  "schema_version": 1,\n  "program"')
    items = Trace.load(path).steps[0].result["items"]  # images inside a list summary are found too
    assert [item["path"] for item in items] == ["pictures/bev-rgb-01.png", "pictures/bev-semantic-01.png"]
    odd = Trace(program="answer(1)\n", answer_value={"type": "Image", "path": None, "note": {"path": str(tmp_path / "x.png")}})
    assert odd.relative_to(tmp_path).answer_value == odd.answer_value  # no text path in an Image: kept as it is


def test_a_trace_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    from reasmory.interpreter.trace import MAX_TRACE_BYTES

    assert MAX_TRACE_BYTES == 64 * 1024 * 1024  # a trace of 64 statements with long replies is a few hundred kB
    big = tmp_path / "big.json"
    with big.open("wb") as fh:  # sparse: no 64 MiB written
        fh.truncate(MAX_TRACE_BYTES + 1)
    with pytest.raises(InputError, match="over the limit of 67,108,864"):
        Trace.load(big)


def test_a_hand_written_call_without_value_types_touches_no_objects() -> None:
    from reasmory.interpreter.trace import CallRecord

    span = {"line": 1, "column": 1, "end_line": 1, "end_column": 2, "start": 0, "end": 1}
    call = CallRecord.model_validate({"operation": "count", "span": span, "args": {"objects": {"ids": [3]}}, "result": {},
                                      "duration_ms": 1.0})
    step = Trace.model_validate({"program": "x", "steps": [{"index": 0, "span": span, "source": "x"}]}).steps[0]
    step.calls.append(call)
    assert step.touched_objects() == {}


def test_a_run_s_trace_says_what_memory_question_and_options_it_had(cross, tmp_path: Path) -> None:
    result = run(source='answer(choose("left", options))', memory=cross, options=["A. left", "B. right"], question="Which side?",
                 artifacts_dir=tmp_path)  # every argument may be named
    trace = result.trace
    assert trace.memory_summary == {"objects": len(cross.objects), "frames": len(cross.frames), "labels": cross.label_counts()}
    assert (trace.question, trace.options, trace.answer, trace.answer_value) == (
        "Which side?", ["A. left", "B. right"], "A", {"type": "Text", "value": "A"})
    assert trace.total_ms >= sum(s.duration_ms for s in trace.steps) and trace.preparation_ms == 0.0
    bare = run("answer(1)", cross).trace
    assert bare.options == [] and bare.question is None


def test_usage_adds_up_and_a_cost_is_known_only_when_every_call_s_is() -> None:
    from reasmory.interpreter.trace import Usage

    priced = Usage(calls=1, input_tokens=10, cost_usd=0.5) + Usage(calls=2, input_tokens=5, cost_usd=0.25)
    assert (priced.calls, priced.input_tokens, priced.cost_usd) == (3, 15, 0.75)
    assert (Usage(calls=1, cost_usd=0.5) + Usage(calls=1)).cost_usd is None  # one call without a price: no total
    assert (Usage() + Usage()).cost_usd is None and (Usage() + Usage(calls=1, cost_usd=0.5)).cost_usd == 0.5


def test_an_attempt_recorded_without_the_grammar_field_reads_as_unconstrained() -> None:
    from reasmory.interpreter.trace import Attempt

    assert Attempt.model_validate({"index": 0, "kind": "compile", "generator": "compiler"}).constrained is False
