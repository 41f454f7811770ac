"""`reasmory view`: memories and traces written as Rerun recordings, read back entity by entity."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from reasmory.memory import SpatialMemory
from tests.conftest import SHARED, require
from tests.viewer.recording import read_recording

pytest.importorskip("rerun", reason="rerun-sdk is not installed (pip install 'reasmory[viewer]')")

ENV = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}


def reasmory(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reasmory", *args], capture_output=True, text=True, env=ENV, cwd=cwd)


def test_a_vsibench_ground_truth_memory(vsibench_meta_dir: Path, tmp_path: Path) -> None:
    from reasmory.memory.oracle import from_vsibench

    memory = from_vsibench(vsibench_meta_dir / "scannet_meta_info_val.json", "scene0251_00")
    source = memory.save(tmp_path / "scene0251_00.rmem")
    proc = reasmory("view", str(source), "-o", str(tmp_path / "scene.rrd"))
    assert proc.returncode == 0, proc.stderr
    assert "wrote" in proc.stdout and "rerun " in proc.stdout
    entities = read_recording(tmp_path / "scene.rrd")
    boxes = {path: e for path, e in entities.items() if path.startswith("/world/objects/") and path.count("/") == 3}
    assert len(boxes) == len(memory.objects) and all(e.static for e in boxes.values())
    labels = sorted(e.values("Boxes3D:labels")[0][0] for e in boxes.values())
    assert labels == sorted(f"{o.label} #{o.id}" for o in memory.objects)
    door = next(o for o in memory.objects if o.label == "door")
    (half,) = entities[f"/world/objects/{door.id}"].values("Boxes3D:half_sizes")[0]
    assert sorted(2 * np.array(half)) == pytest.approx(sorted(door.box.extents), abs=1e-5)
    assert entities["/world"].values("ViewCoordinates:xyz")  # z up
    floor = np.array(entities["/world/floor"].values("Mesh3D:vertex_positions")[0])
    assert np.allclose(floor[:, 2], memory.scene.floor_z) and entities["/world/floor"].values("Mesh3D:triangle_indices")[0]
    assert entities["/world/gravity"].values("Arrows3D:vectors")[0] == [[0.0, 0.0, -1.0]]
    assert "/world/points" not in entities and not any(p.startswith("/world/cameras") for p in entities)


def test_a_built_rgbd_memory_with_its_cameras_and_pictures(tmp_path: Path) -> None:
    living = require(SHARED / "data" / "livingroom1_micro")
    built = tmp_path / "living.rmem"
    assert reasmory("build", str(living), "--frames", "6", "--no-cache", "-o", str(built)).returncode == 0
    memory = SpatialMemory.load(built)
    proc = reasmory("view", str(built))
    assert proc.returncode == 0, proc.stderr
    entities = read_recording(tmp_path / "living.rrd")  # beside the memory by default
    (positions,) = entities["/world/points"].values("Points3D:positions")
    assert len(positions) == len(memory.points) and len(entities["/world/points"].values("Points3D:colors")[0]) == len(memory.points)
    cameras = [p for p in entities if p.startswith("/world/cameras/") and p.count("/") == 3]
    assert len(cameras) == len(memory.frames) == 6
    for frame in memory.frames:
        (translation,) = entities[f"/world/cameras/{frame.index}"].values("Transform3D:translation")[0]
        assert translation == pytest.approx(list(frame.position), abs=1e-5)
        image = entities[f"/world/cameras/{frame.index}/image"]
        assert image.values("Pinhole:resolution")[0] == [[640.0, 480.0]]
        assert image.values("EncodedImage:media_type")[0] == ["image/jpeg"]
    (strip,) = entities["/world/trajectory"].values("LineStrips3D:strips")[0]
    assert len(strip) == 6


PROGRAM = '''sofa = object("sofa")
me = view(at=sofa, facing=object("tv"))
left = turn(me, "left")
d = distance(object("lamp"), object("tv"))
pic = render(left, mode="semantic", width=320, height=240)
map = bev(highlight=[sofa])
answer(choose(direction(object("lamp"), viewer=camera(2), granularity="lr"), options))
'''


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from reasmory.cli.demo_cmd import example_scene_path
    from reasmory.memory.oracle import from_scene

    return from_scene(example_scene_path()).save(tmp_path_factory.mktemp("room") / "room.rmem")


def test_a_trace_with_views_plays_step_by_step_on_its_memory(room: Path, tmp_path: Path) -> None:
    (tmp_path / "q.rp").write_text(PROGRAM)
    ran = reasmory("run", str(room), "q.rp", "--options", "A. left", "B. right", "--trace", "trace.json", cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    proc = reasmory("view", "trace.json", "--memory", str(room), "-o", "trace.rrd", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    entities = read_recording(tmp_path / "trace.rrd")
    memory = SpatialMemory.load(room)
    assert sum(p.startswith("/world/objects/") for p in entities) == len(memory.objects)  # the scene under the steps

    steps = entities["/trace/steps"]
    assert sorted(set(steps.times("step"))) == list(range(7)) and steps.values("TextLog:text")[0][0].startswith("1. sofa = ")
    me, left = entities["/world/trace/views/me"], entities["/world/trace/views/left"]
    assert me.times("step") == [1] and left.times("step") == [2]
    sofa = memory.find("sofa")[0]
    (position,) = me.at("step", 1)[0]["Transform3D:translation"]
    assert position == pytest.approx(list(sofa.box.center), abs=1e-3)
    forward = np.array(left.at("step", 2)[0]["Transform3D:mat3x3"][0]).reshape(3, 3, order="F")[:, 2]
    assert forward == pytest.approx([-1.0, 0.0, 0.0], abs=1e-6)  # facing the tv (+y), turned left: −x
    fov = entities["/world/trace/views/me/image"].at("step", 1)[0]
    K, (width, _) = np.array(fov["Pinhole:image_from_camera"][0]).reshape(3, 3, order="F"), fov["Pinhole:resolution"][0]
    assert math.degrees(2 * math.atan(width / 2 / K[0, 0])) == pytest.approx(70.0)
    camera = entities["/world/trace/views/camera-7-1"].at("step", 6)[0]  # a view from input camera 2: its own pose
    assert camera["Transform3D:translation"][0] == pytest.approx(list(memory.frames[2].position), abs=1e-5)

    touched = entities["/world/trace/touched"]
    assert touched.at("step", 1)[0]["Boxes3D:labels"] == ["tv #1", "sofa #0"]
    assert "Clear:is_recursive" in touched.at("step", 4)[0]  # a render touches no object: the highlight goes
    (line,) = entities["/world/trace/distances"].at("step", 3)
    (start, end) = line["LineStrips3D:strips"][0]
    assert line["LineStrips3D:labels"] == ["4.63 m"] and np.linalg.norm(np.subtract(end, start)) == pytest.approx(4.6315, abs=1e-3)
    images = entities["/trace/images"]
    assert images.times("step") == [4, 5] and all(r.values["EncodedImage:media_type"] == ["image/png"] for r in images.rows)
    answer = ran.stdout.strip()
    assert answer in ("A", "B") and f"answer: {answer}" in entities["/trace/program"].values("TextDocument:text")[0][0]


def test_a_trace_without_its_memory_shows_views_centres_and_lines(room: Path, tmp_path: Path) -> None:
    from reasmory.interpreter import run

    trace = run(PROGRAM, SpatialMemory.load(room), ["A. left", "B. right"], artifacts_dir=tmp_path / "art").trace
    trace.save(tmp_path / "t.json")
    proc = reasmory("view", str(tmp_path / "t.json"))
    assert proc.returncode == 0 and "no --memory" in proc.stdout, proc.stderr
    entities = read_recording(tmp_path / "t.rrd")
    assert not any(p.startswith("/world/objects") for p in entities)
    assert entities["/world/trace/touched"].at("step", 0)[0]["Points3D:labels"] == ["sofa #0"]
    (line,) = entities["/world/trace/distances"].at("step", 3)
    assert line["LineStrips3D:labels"] == ["4.63 m"]  # between the centres, labelled with the measured distance
    assert entities["/trace/images"].times("step") == [4, 5]


def test_bad_input_is_one_line_with_exit_2(room: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("x")
    proc = reasmory("view", str(tmp_path / "notes.txt"))
    assert proc.returncode == 2 and "neither a .rmem memory nor a .json trace" in proc.stderr and "Traceback" not in proc.stderr
    proc = reasmory("view", str(room), "-o", str(tmp_path / "out.png"))
    assert proc.returncode == 2 and "is not a .rrd file" in proc.stderr
    (tmp_path / "bad.json").write_text("{}")
    proc = reasmory("view", str(tmp_path / "bad.json"))
    assert proc.returncode == 2 and "not a valid Reasmory trace" in proc.stderr and not (tmp_path / "bad.rrd").exists()

    headless = {k: v for k, v in ENV.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "WAYLAND_SOCKET")}
    spawned = subprocess.run([sys.executable, "-m", "reasmory", "view", str(room), "-o", str(tmp_path / "s.rrd"), "--spawn"],
                             capture_output=True, text=True, env=headless, timeout=120)
    assert spawned.returncode == 2 and "the Rerun viewer could not start" in spawned.stderr, spawned.stderr
    assert (tmp_path / "s.rrd").is_file() and len(spawned.stderr.strip().splitlines()) == 1  # the recording is written first

    from reasmory.cli import main

    monkeypatch.setitem(sys.modules, "rerun", None)  # rerun-sdk not installed
    assert main(["view", str(room), "-o", str(tmp_path / "x.rrd")]) == 2
    assert "pip install 'reasmory[viewer]'" in capsys.readouterr().err and not (tmp_path / "x.rrd").exists()
