"""`reasmory bench annotations` on small hand-made files in the formats of the paper's three annotation files.

The entries are written here (VSI-Bench ones from the shared dev questions, reworded into the paper's format at
run time); the official files are never copied. Memories: VSI-Bench boxes (vsi-tiny with --meta-dir), and the
example living room saved as a `.rmem` beside the photos or videos (mindcube-tiny, vlm4d). Programs come from the
offline compiler or from a scripted VLM that answers each question, reports its tokens, and is priced.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from reasmory.answering import Settings
from reasmory.answering.clients import servers
from reasmory.benchmarks import paper_metrics
from reasmory.benchmarks.annotations import find_media
from reasmory.benchmarks.annotations_bench import run_annotations
from reasmory.cli import main
from reasmory.memory import SpatialMemory
from tests.answering.conftest import Reply, ScriptedServer

from ..conftest import VSIBENCH, require

ASSETS = "evaluation/annotation_assets/mindcube_tiny_no_text_shuffled_seed42"
BEHIND = "If I am standing at the same spot and facing the same direction as shown in image 2, what is behind me?"
CLOSER = ("If I am standing at the same spot and facing the same direction as shown in image 1, then I turn around and "
          "move forward, will I get closer to the door?")
TABLE = "From the viewpoint presented in image 2, is the table to the left or the right of the sofa?"
PROGRAMS = {
    BEHIND: 'answer(choose(objects_around(camera(1), "back"), options))',
    CLOSER: 'me = turn(camera(0), "back")\nwalked = step(me, "forward")\n'
            'answer(choose(distance(walked, object("door")) < distance(me, object("door")), options))',
    TABLE: 'answer(choose(relation(object("table"), object("sofa"), viewer=camera(1)), options))',
    "How many chair(s) are in this room?": 'answer(count(objects("chair")))',
    "Which way does the person turn to face the tv?": 'answer(choose(turn_towards(camera(0), object("tv")), options))',
}


def entry(pid: int, problem: str, qtype: str, ptype: str, options: list[str] | None, solution: str, path: str | list[str],
          **extra: Any) -> dict[str, Any]:
    """One entry with every field the paper's files carry."""
    return {"problem_id": pid, "problem": problem, "data_type": "image" if isinstance(path, list) else "video",
            "problem_type": ptype, "original_question_type": qtype, "options": options, "process": "",
            "solution": f"<answer>{solution}</answer>", "path": path, "data_source": "", **extra}


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """No user settings; settings for answer() with its cache under tmp_path."""
    import os

    for name in list(os.environ):
        if name.startswith("REASMORY_") and name != "REASMORY_SHARED":
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    servers.forget()
    yield {"cache_dir": tmp_path / "cache"}


@pytest.fixture
def vlm(env: dict[str, Any]) -> Iterator[tuple[ScriptedServer, dict[str, Any]]]:
    """A scripted VLM that answers each question with its program (and a picture question with a letter), priced."""
    server = ScriptedServer()

    def respond(body: dict[str, Any]) -> Reply:
        user = body["messages"][-1]["content"]
        text = user if isinstance(user, str) else " ".join(p.get("text", "") for p in user)
        if "The pictures were made by this program" in text:
            return Reply(text="B", usage=(700, 2))
        question = re.search(r"Question: (.*)", text)
        program = PROGRAMS.get(question.group(1).strip() if question else "", 'answer(object("unicorn"))')
        return Reply(text=program, usage=(3000, 40))

    server.responder = respond
    settings = {**env, "vlm_base_url": server.url, "vlm_model": "scripted-vlm", "vlm_backoff": 0.01, "vlm_timeout": 5.0,
                "vlm_retries": 1, "vlm_input_price": 0.25, "vlm_output_price": 2.0, "generator": "vlm"}
    yield server, settings
    server.close()


def settings_of(**overrides: Any) -> dict[str, Any]:
    return Settings.load(**overrides).model_dump(exclude={"config"})


def vsi_entries(count: int) -> list[dict[str, Any]]:
    """The first dev questions of every VSI-Bench type, reworded into the paper's entries (video paths as the paper's)."""
    lines = require(VSIBENCH / "dev_questions.jsonl").read_text().splitlines()
    picked: dict[str, int] = {}
    out = []
    for q in map(json.loads, lines):
        if picked.get(q["question_type"], 0) < count:
            picked[q["question_type"]] = picked.get(q["question_type"], 0) + 1
            ptype = "multiple choice" if q["options"] else "regression"
            out.append(entry(q["id"], q["question"], q["question_type"], ptype, q["options"], q["ground_truth"],
                             f"/ssd3/someone/VSIBench/{q['dataset']}/{q['scene_name']}.mp4"))
    return out


def test_the_paper_scores_as_its_code_does() -> None:
    assert paper_metrics.clean("<think>hmm</think><answer>B. left</answer>") == "b"
    assert paper_metrics.clean("Chair.") == "chair" and paper_metrics.clean("3.5") == "3.5"
    assert paper_metrics.reward("A", "<answer>A</answer>", "multiple choice") == 1.0
    assert paper_metrics.reward("2", "<answer>3</answer>", "regression") == pytest.approx(0.4)  # 1/3 off: θ ≤ 0.65
    # on a threshold, float32 decides as in the paper's torch code (values computed with torch 2.13)
    for prediction, truth, expected in [("1.7", "2", 0.7), ("110", "100", 0.9), ("105", "100", 1.0), ("123.4", "100", 0.6)]:
        assert paper_metrics.reward(prediction, f"<answer>{truth}</answer>", "regression") == pytest.approx(expected)
    assert paper_metrics.reward("1,200", "<answer>1200</answer>", "regression") == 1.0
    assert paper_metrics.reward("no idea", "<answer>2</answer>", "regression") == 0.0
    assert paper_metrics.summary([("multiple choice", 1.0), ("regression", 0.5), ("regression", 0.0)]) == \
        {"mean_acc": 1.0, "mean_mra": 0.25, "mean_all": 0.5}


def test_media_are_found_under_any_ancestor(tmp_path: Path) -> None:
    video = tmp_path / "data" / "VSIBench" / "arkitscenes" / "41069043.mp4"
    video.parent.mkdir(parents=True)
    video.write_bytes(b"")
    for root in (tmp_path / "data", tmp_path / "data" / "VSIBench", video.parent):
        assert find_media("/ssd3/jxhe_cache/VSIBench/arkitscenes/41069043.mp4", [tmp_path / "elsewhere", root]) == video
    assert find_media("/ssd3/jxhe_cache/VSIBench/scannet/scene0000_00.mp4", [tmp_path / "data"]) is None


def test_links_into_another_dataset_are_followed_under_the_media_folders(tmp_path: Path) -> None:
    """The paper's repository holds its MindCube photos as links into the MindCube dataset on the authors' storage."""
    repo, mindcube = tmp_path / "Reasmory", tmp_path / "datasets" / "MindCube"
    photo = mindcube / "other_all_image" / "among" / "cup_004" / "left_130.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"jpg")
    link = repo / ASSETS / "pid_0001_img_1.jpg"
    link.parent.mkdir(parents=True)
    link.symlink_to("/ssd3/someone/MindCube/other_all_image/among/cup_004/left_130.jpg")
    assert find_media(f"{ASSETS}/pid_0001_img_1.jpg", [repo, tmp_path / "datasets"]) == photo
    assert find_media(f"{ASSETS}/pid_0001_img_1.jpg", [repo]) is None


def test_vsi_tiny_on_the_benchmarks_boxes_with_the_compiler(env: dict[str, Any], tmp_path: Path) -> None:
    entries = vsi_entries(2)
    entries.append(entry(99, "How many chair(s) are in this room?", "object_counting", "regression", None, "4",
                         "/ssd3/someone/VSIBench/arkitscenes/00000000.mp4"))  # a scene the boxes do not have
    path = tmp_path / "eval_vsibench_tiny_small.json"
    path.write_text(json.dumps(entries))
    out = tmp_path / "vsi.json"
    records = run_annotations(path, "vsi-tiny", [], settings_of(generator="compiler", **env), meta_dir=VSIBENCH / "meta_info",
                              json_path=out)
    assert len(records) == len(entries) == 21
    counting = [r for r in records if r.category == "object_counting" and r.status == "answered"]
    assert len(counting) == 2 and all(r.reward == 1.0 and r.usage.calls == 0 for r in counting)
    for r in records:
        if r.status == "answered":
            assert r.reward == paper_metrics.reward(r.prediction, r.solution, r.problem_type)
    (missing,) = [r for r in records if r.problem_id == 99]
    assert missing.status == "not-attempted" and "00000000" in (missing.reason or "")
    data = json.loads(out.read_text())
    rows = {row["category"]: row for row in data["categories"]}
    assert len(rows) == 10 + 3 and rows["all questions (mean_all)"]["questions"] == 21
    assert rows["all questions (mean_all)"]["score_all"] == pytest.approx(sum(r.reward for r in records) / 21)
    assert rows["object_counting"]["attempted"] == 2 and rows["object_counting"]["questions"] == 3
    assert rows["object_counting"]["score_attempted"] == 1.0 and rows["object_counting"]["score_all"] == pytest.approx(2 / 3)
    assert data["usage"]["calls"] == 0 and {"problem_id": 99, "reason": missing.reason} in data["not_attempted"]
    order = rows["obj_appearance_order"]  # box-only memories have no frames: not attempted, and why
    assert order["attempted"] == 0 and order["score_attempted"] is None
    assert any("needs the video's frames" in (r["reason"] or "") for r in data["not_attempted"])


def living_room_photos(root: Path, living_room: SpatialMemory, pid: int, photos: int, memory: bool = True) -> list[str]:
    """The photos' paths as the paper writes them; files under root, and the memory beside the first photo."""
    names = [f"{ASSETS}/pid_{pid:04d}_img_{k}.jpg" for k in range(1, photos + 1)]
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (8, 6), (pid, 0, 0)).save(root / name)
    if memory:
        living_room.save((root / names[0]).with_suffix(".rmem"))
    return names


@pytest.fixture(scope="module")
def living_room() -> SpatialMemory:
    from reasmory.cli.demo_cmd import example_scene_path
    from reasmory.memory.oracle import from_scene

    return from_scene(example_scene_path())


def test_mindcube_tiny_with_a_scripted_vlm_counts_calls_tokens_and_cost(vlm: tuple[ScriptedServer, dict[str, Any]],
                                                                        living_room: SpatialMemory, tmp_path: Path) -> None:
    server, settings = vlm
    media = tmp_path / "repo"
    three = living_room_photos(media, living_room, 1, 3)
    entries = [
        entry(1, BEHIND, "spatial reasoning", "multiple choice", ["A. tv", "B. sofa", "C. window", "D. door"], "D", three),
        entry(2, CLOSER, "spatial reasoning", "multiple choice", ["A. No", "B. Yes"], "A", three),
        entry(3, TABLE, "spatial reasoning", "multiple choice", ["A. left", "B. right"], "A", three),
        entry(4, "What is to the left of the unicorn?", "spatial reasoning", "multiple choice", ["A. tv", "B. sofa"], "B", three),
        entry(5, BEHIND, "spatial reasoning", "multiple choice", ["A. tv", "B. sofa"], "B", [f"{ASSETS}/pid_0005_img_1.jpg"] * 2),
        entry(6, BEHIND, "spatial reasoning", "multiple choice", ["A. tv", "B. sofa"], "B",
              living_room_photos(media, living_room, 6, 2, memory=False)),
    ]
    path = tmp_path / "eval_mindcube_small.json"
    path.write_text(json.dumps(entries))
    out = tmp_path / "mindcube.json"
    records = {r.problem_id: r for r in run_annotations(path, "mindcube-tiny", [media], settings_of(**settings), json_path=out)}
    assert [records[i].status for i in range(1, 7)] == ["answered"] * 4 + ["not-attempted"] * 2
    assert records[1].prediction == "D" and records[1].reward == 1.0 and records[1].program == PROGRAMS[BEHIND] + "\n"
    assert records[3].reward == 1.0 and records[2].reward == float(records[2].prediction == "A")
    unicorn = records[4]  # refused three times, then the fallback map goes to the reasoner, which says B
    assert unicorn.generator == "fallback" and unicorn.prediction == "B" and unicorn.usage.calls == 4
    assert unicorn.usage.input_tokens == 3 * 3000 + 700 and unicorn.usage.cost_usd == pytest.approx((9700 * 0.25 + 122 * 2.0) / 1e6)
    assert "media not found under" in (records[5].reason or "")
    assert "needs a text-prompted detector" in (records[6].reason or "")
    data = json.loads(out.read_text())
    total = {row["category"]: row for row in data["categories"]}["all questions (mean_all)"]
    assert (total["questions"], total["attempted"], total["calls"]) == (6, 4, 3 + 4)
    assert total["input_tokens"] == 6 * 3000 + 700 and total["cost_usd"] == pytest.approx(data["usage"]["cost_usd"])
    assert data["prices_per_million_tokens"]["vlm_input_price"] == 0.25 and len(server.requests) == 7


def test_vlm4d_videos_with_memories_beside_them(vlm: tuple[ScriptedServer, dict[str, Any]], living_room: SpatialMemory,
                                                tmp_path: Path) -> None:
    _, settings = vlm
    media = tmp_path / "data" / "VLM4D" / "videos_real"
    entries = []
    for pid, (kind, clip) in enumerate([("vlm4d_ego", "ego4d/clip_001"), ("vlm4d_allo", "davis/clip_002")], 1):
        video = media / f"{clip}.mp4"
        video.parent.mkdir(parents=True, exist_ok=True)
        video.write_bytes(b"not decoded: the memory beside it is used")
        living_room.save(video.with_suffix(".rmem"))
        entries.append(entry(pid, "Which way does the person turn to face the tv?", kind, "multiple choice",
                             ["A. turn left", "B. turn right", "C. go forward", "D. turn back"], "A",
                             f"/ssd3/x/VLM4D/videos_real/{clip}.mp4", source_url="https://example.org/clip.mp4"))
    path = tmp_path / "eval_vlm4d_small.json"
    path.write_text(json.dumps(entries))
    records = run_annotations(path, "vlm4d", [tmp_path / "data"], settings_of(**settings))
    assert [r.category for r in records] == ["vlm4d_ego", "vlm4d_allo"] and all(r.status == "answered" for r in records)
    assert {r.memory for r in records} == {f"rmem:{media / 'ego4d/clip_001.rmem'}", f"rmem:{media / 'davis/clip_002.rmem'}"}
    assert all(r.usage.calls == 1 and r.usage.output_tokens == 40 for r in records)


def test_the_command_prints_the_table_and_refuses_what_it_cannot_use(env: dict[str, Any], tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("REASMORY_CACHE_DIR", str(env["cache_dir"]))
    monkeypatch.setenv("COLUMNS", "200")
    path = tmp_path / "eval_vsibench_tiny_small.json"
    path.write_text(json.dumps(vsi_entries(1)[:4]))
    meta = str(VSIBENCH / "meta_info")

    def run(*args: str) -> tuple[int, str]:
        code = main(["bench", "annotations", str(path), *args])
        captured = capsys.readouterr()
        return code, captured.out + captured.err

    code, out = run("--format", "vsi-tiny", "--meta-dir", meta, "--generator", "compiler", "--json", str(tmp_path / "out.json"))
    assert code == 0, out
    assert "calls" in out and "tokens in" in out and "all questions (mean_all)" in out
    code, out = run("--format", "mindcube-tiny", "--media", str(tmp_path), "--generator", "compiler")
    assert code == 2 and "is not a mindcube-tiny question" in out
    code, out = run("--format", "vsi-tiny", "--meta-dir", meta)
    assert code == 2 and "--generator vlm needs a VLM" in out
    code, out = run("--format", "vsi-tiny", "--generator", "compiler")
    assert code == 2 and "media are needed (--media)" in out
    path.write_text(json.dumps([{"problem_id": 1, "problem": "x"}]))
    code, out = run("--format", "vsi-tiny", "--meta-dir", meta, "--generator", "compiler")
    assert code == 2 and "entry 0.data_type" in out and "Traceback" not in out


@pytest.mark.slow
def test_the_ray_executor_gives_the_same_records(vlm: tuple[ScriptedServer, dict[str, Any]], living_room: SpatialMemory,
                                                 tmp_path: Path) -> None:
    from reasmory.batch import make_executor

    _, settings = vlm
    media = tmp_path / "repo"
    three = living_room_photos(media, living_room, 1, 3)
    path = tmp_path / "eval.json"
    path.write_text(json.dumps([entry(i, q, "spatial reasoning", "multiple choice", ["A. door", "B. tv", "C. left", "D. right"],
                                      "A", three) for i, q in enumerate([BEHIND, TABLE], 1)]))
    local = run_annotations(path, "mindcube-tiny", [media], settings_of(**settings))
    with make_executor("ray", cpus=2) as ray:
        remote = run_annotations(path, "mindcube-tiny", [media], settings_of(**settings), executor=ray)
    strip = {"duration_ms"}
    assert [r.model_dump(exclude=strip) for r in remote] == [r.model_dump(exclude=strip) for r in local]
    assert [r.prediction for r in remote] == ["A", "C"]
