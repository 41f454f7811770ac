"""The prompt's guide, checked on real rooms: the phrasing dev questions answered by a scripted model that writes each
program the way the guide and the worked examples say, sent through `answer()` as a VLM's reply.

A capable model that reads the prompt would write these programs; if the guide taught a wrong conversion, the
wrong operation or a form that breaks on labels a room lacks, these answers would be wrong. Each check also runs
the form the guide warns against, to show the choice matters on these rooms. Memories come from the rooms'
ground-truth boxes (`../shared/data/vsibench/meta_info`).
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import pytest
from reasmory.memory import SpatialMemory

from reasmory.answering import answer
from reasmory.answering.prompt import program_messages
from reasmory.benchmarks.metrics import score
from tests.conftest import SHARED, require

from .conftest import ScriptedServer


@cache
def dev_questions() -> list[dict[str, Any]]:
    path = require(SHARED / "data/phrasing/dev_questions.jsonl")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@cache
def room(dataset: str, scene: str) -> SpatialMemory:
    from reasmory.memory.oracle import from_vsibench

    return from_vsibench(require(SHARED / f"data/vsibench/meta_info/{dataset}_meta_info_val.json"), scene)


def of_kind(*kinds: str, unit: str | None = None) -> list[dict[str, Any]]:
    return [q for q in dev_questions() if q["kind"] in kinds and (unit is None or q["unit"] == unit)]


def ask(server: ScriptedServer, vlm: dict[str, Any], q: dict[str, Any], write: Any) -> str | None:
    """The scripted model reads the prompt `answer()` sends for `q`, writes its program, and the answer comes back."""
    memory = room(q["dataset"], q["scene_name"])
    system, user = program_messages(q["question"], q["options"], memory)
    server.script(write(q, system.text, user.text))
    result = answer(memory, q["question"], q["options"] or [], generator="vlm", max_repairs=0, **vlm)
    sent = server.requests[-1]["messages"]
    assert (sent[0]["content"], sent[1]["content"]) == (system.text, user.text)  # the model read what answer() sent
    return result.answer


def right(q: dict[str, Any], predicted: str | None) -> float:
    truth = q["answer"]
    if q["unit"] in ("m", "cm", "m2", "objects"):
        return float(predicted == "0") if truth == 0 else score(predicted, str(truth), numeric=True)
    return float(str(predicted).lower() == str(truth).lower())


def test_units_convert_as_the_guide_says(server: ScriptedServer, vlm: dict[str, Any]) -> None:
    """Every centimetre question, with the factor read from the guide; without it (metres) each would score 0."""
    questions = of_kind("size", "height", "distance", unit="cm")
    measure = {"size": 'longest_side(object("{0}"))', "height": 'height(object("{0}"))', "distance": 'distance(objects("{0}"), objects("{1}"))'}

    def write(q: dict[str, Any], system: str, user: str, convert: bool = True) -> str:
        factor = re.search(r"centimetres × (\d+)", system).group(1)  # type: ignore[union-attr]
        assert re.search(rf"Program:\nanswer\(height\(object\(\"lamp\"\)\) \* {factor}\)", system)  # the worked example agrees
        value = measure[q["kind"]].format(*q["labels"])
        return f"answer({value} * {factor})" if convert else f"answer({value})"

    scores = [right(q, ask(server, vlm, q, write)) for q in questions]
    assert len(questions) >= 6 and min(scores) >= 0.9, scores
    assert all(right(q, ask(server, vlm, q, lambda *a: write(*a, convert=False))) == 0 for q in questions)


def test_yes_no_and_counts_in_the_guides_forms(server: ScriptedServer, vlm: dict[str, Any]) -> None:
    """exists(label) for "is there …?"; the count, 0 for a label the memory does not list, for "how many …?"."""
    questions = of_kind("exists", "count")

    def write(q: dict[str, Any], system: str, user: str) -> str:
        label = q["labels"][0]
        if q["kind"] == "exists":
            return f'answer(exists("{label}"))'
        listed = re.search(r"Objects by label: (.*)", user).group(1)  # type: ignore[union-attr]
        return f'answer(count(objects("{label}")))' if f"{label} ×" in listed else "answer(0)"

    assert [right(q, ask(server, vlm, q, write)) for q in questions] == [1.0] * len(questions)
    assert sum(q["answer"] in ("no", 0) for q in questions) >= 4  # labels the rooms lack are among them


def test_direction_for_where_things_are_for_me_not_relation(server: ScriptedServer, vlm: dict[str, Any]) -> None:
    """"Standing at A facing B, is T to my left, right, or behind me?" is direction; relation would answer T beside B."""
    questions = of_kind("direction")
    words = {"behind": "back"}

    def write(q: dict[str, Any], system: str, user: str, op: str = "direction") -> str:
        a, b, t = q["labels"]
        granularity = "lrb" if len(q["options"]) == 3 else "lr"
        target = f'direction(object("{t}"), viewer=me, granularity="{granularity}")' if op == "direction" else \
            f'relation(object("{t}"), object("{b}"), viewer=me)'
        return f'me = view(at=object("{a}"), facing=object("{b}"))\nanswer({target})'

    def expected(q: dict[str, Any]) -> str:
        text = dict(o.split(". ", 1) for o in q["options"])[q["answer"]]
        return words.get(text, text)

    assert [ask(server, vlm, q, write) for q in questions] == [expected(q) for q in questions]
    relation = [ask(server, vlm, q, lambda *a: write(*a, op="relation")) for q in questions]
    assert sum(r != expected(q) for r, q in zip(relation, questions)) >= len(questions) // 2, relation


def test_any_of_several_instances_as_the_guide_says(server: ScriptedServer, vlm: dict[str, Any]) -> None:
    """Options that name labels with several instances: objects(label) ranks by the nearest one."""
    questions = of_kind("nearest", "farthest")
    several = [q for q in questions if any(room(q["dataset"], q["scene_name"]).label_counts().get(label, 0) > 1
                                           for label in q["labels"][1:])]

    def write(q: dict[str, Any], system: str, user: str) -> str:
        reference, *candidates = q["labels"]
        ranked = "closest" if q["kind"] == "nearest" else "farthest"
        sets = ", ".join(f'objects("{c}")' for c in candidates)
        return f'answer(choose({ranked}([{sets}], to=object("{reference}")), options))'

    assert [right(q, ask(server, vlm, q, write)) for q in questions] == [1.0] * len(questions)
    assert len(several) >= 4
