"""The VSI-Bench runner on a fixed subset of dev questions, and its metrics."""

import json
from pathlib import Path

import pytest

from reasmory.benchmarks.metrics import mean_relative_accuracy, score
from reasmory.benchmarks.vsibench import run_vsibench

from ..conftest import VSIBENCH, require


def test_mra_matches_the_official_definition() -> None:
    assert mean_relative_accuracy(10, 10) == 1.0
    assert mean_relative_accuracy(10.5, 10) == 1.0  # 5% off: within every threshold down to 1 − 0.95
    assert mean_relative_accuracy(11, 10) == pytest.approx(0.9)  # 10% off fails only θ = 0.95
    assert mean_relative_accuracy(20, 10) == 0.0
    assert score("B", "b", numeric=False) == 1.0 and score(None, "3", numeric=True) == 0.0


def test_subset_scores_and_records(tmp_path: Path) -> None:
    questions = require(VSIBENCH / "dev_questions.jsonl")
    subset = tmp_path / "subset.jsonl"
    lines = questions.read_text().splitlines()
    picked: dict[str, int] = {}
    chosen = []
    for line in lines:  # the first 6 questions of every type
        qtype = json.loads(line)["question_type"]
        if picked.get(qtype, 0) < 6:
            picked[qtype] = picked.get(qtype, 0) + 1
            chosen.append(line)
    subset.write_text("\n".join(chosen) + "\n")
    out = tmp_path / "out.json"
    records, overall = run_vsibench(subset, VSIBENCH / "meta_info", out)
    data = json.loads(out.read_text())
    assert len(records) == 60 and data["overall"] == overall
    assert data["tasks_attempted"] == 8 and data["overall_attempted"] > 0.9
    assert overall < 0.8 * data["overall_attempted"] + 1e-9  # two of ten tasks are not evaluable on boxes: they count 0
    record = data["records"][0]
    assert set(record) >= {"id", "question_type", "program", "prediction", "ground_truth", "score", "error"}
    by_type = {t["task"]: t for t in data["tasks"]}
    assert by_type["obj_appearance_order"]["score"] == 0.0 and by_type["obj_appearance_order"]["score_attempted"] is None
    assert by_type["obj_appearance_order"]["not_evaluable"] == 6
    assert by_type["object_rel_direction_hard"]["score"] == 1.0
    assert all(r["status"] in ("answered", "not-evaluable", "not-compiled") for r in data["records"])
