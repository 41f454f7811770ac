"""The build pipeline: settings, provenance, the cache (hits, damage, concurrent builds), the hook, the CLI."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from reasmory.cli import build_cmd
from reasmory.errors import InputError
from reasmory.memory.boxes import OrientedBox
from reasmory.memory.reconstruction import build_memory, run_build
from reasmory.memory.reconstruction.cache import ENV_VAR, cache_key, default_cache_dir, hash_files
from reasmory.memory.reconstruction.pipeline import with_objects
from reasmory.memory.reconstruction.settings import plan_build
from reasmory.memory.model import Frame, ObjectInstance, PointCloud, ScaleInfo, SceneFacts
from reasmory.memory.spatial_memory import SpatialMemory
from tests.reconstruction.conftest import manifest_scene

ENV = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
REPO = Path(__file__).resolve().parents[2]


def test_hash_follows_content_not_location(tmp_path: Path) -> None:
    a = manifest_scene(tmp_path / "a")
    b = tmp_path / "b"
    shutil.copytree(a, b)
    files = lambda root: sorted(p for p in root.rglob("*") if p.is_file())  # noqa: E731
    assert hash_files(files(a)) == hash_files(files(b))
    (b / "d" / "1.png").write_bytes((b / "d" / "1.png").read_bytes() + b"\0")
    assert hash_files(files(a)) != hash_files(files(b))
    assert cache_key("h", {"x": 1}) != cache_key("h", {"x": 2}) and cache_key("h", {"x": 1}) == cache_key("h", {"x": 1})


def test_default_cache_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "c"))
    assert default_cache_dir() == tmp_path / "c"
    monkeypatch.delenv(ENV_VAR)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    if sys.platform.startswith("linux"):
        assert default_cache_dir() == tmp_path / "xdg" / "reasmory"


def test_settings_are_routed_and_bad_ones_refused() -> None:
    plan = plan_build("rgbd", stride=2, voxel_size=0.02, pixel_stride=3, gravity="off", eye_height=1.6, scale=False)
    assert plan.backend.pixel_stride == 3 and plan.settings.postprocess.voxel_size == 0.02
    assert plan.settings.gravity.mode == "off" and not plan.settings.scale.enabled and plan.settings.scale.eye_height == 1.6
    assert plan.settings.postprocess.outlier_neighbors == 20  # the backend's default
    assert plan_build("sfm").sampling().frames == 48 and plan_build("sfm", stride=2).sampling().frames is None
    with pytest.raises(InputError, match="bad setting 'colour' for the rgbd backend.*its settings are: voxel_size"):
        plan_build("rgbd", colour=1)
    with pytest.raises(InputError, match="unknown backend 'nerf'"):
        plan_build("nerf")
    with pytest.raises(InputError, match="bad build setting 'frames'"):
        plan_build("rgbd", frames=0)


def test_second_build_is_a_cache_hit_and_records_provenance(tmp_path: Path) -> None:
    scene = manifest_scene(tmp_path / "scene")
    first = run_build(scene, cache_dir=tmp_path / "cache", progress=False)
    second = run_build(scene, cache_dir=tmp_path / "cache", progress=False)
    assert (first.backend, first.cache_hit, second.cache_hit) == ("rgbd", False, True)
    assert second.seconds < 1.0 and second.cache_path == first.cache_path and first.cache_path.is_file()
    prov = second.memory.provenance
    assert prov.backend == "rgbd" and len(prov.input_hash) == 64 and prov.settings["backend_settings"]["voxel_size"] == 0.01
    assert {"reasmory", "numpy", "open3d"} <= set(prov.versions)
    assert any(n.startswith("gravity: camera up only") for n in prov.notes)  # a lone wall is no floor
    other = run_build(scene, cache_dir=tmp_path / "cache", voxel_size=0.02, progress=False)
    assert not other.cache_hit and other.cache_path != first.cache_path


def test_a_damaged_cache_entry_is_rebuilt(tmp_path: Path) -> None:
    scene = manifest_scene(tmp_path / "scene")
    first = run_build(scene, cache_dir=tmp_path / "cache", progress=False)
    data = bytearray(first.cache_path.read_bytes())
    data[200] ^= 0xFF
    first.cache_path.write_bytes(bytes(data))
    again = run_build(scene, cache_dir=tmp_path / "cache", progress=False)
    assert not again.cache_hit and len(again.memory.points) == len(first.memory.points)


def _build_once(scene: str, cache: str, barrier: multiprocessing.synchronize.Barrier, hits: multiprocessing.Queue) -> None:
    barrier.wait()
    hits.put(run_build(scene, cache_dir=cache, progress=False).cache_hit)


def test_two_concurrent_builds_of_the_same_input_build_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scene = manifest_scene(tmp_path / "scene", frames=6)
    monkeypatch.syspath_prepend(str(REPO))  # spawned workers import this module by name
    ctx = multiprocessing.get_context("spawn")
    barrier, hits = ctx.Barrier(2), ctx.Queue()
    workers = [ctx.Process(target=_build_once, args=(str(scene), str(tmp_path / "cache"), barrier, hits)) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0]
    assert sorted(hits.get(timeout=5) for _ in workers) == [False, True]
    assert len(list((tmp_path / "cache").glob("*.rmem"))) == 1


def test_instances_hook_attaches_objects_and_refines_an_unknown_scale() -> None:
    frame = Frame(index=0, width=4, height=4, K=((1, 0, 2), (0, 1, 2), (0, 0, 1)), pose=tuple(map(tuple, np.eye(4).tolist())))
    memory = SpatialMemory([frame], PointCloud.from_xyz(np.ones((5, 3))), scene=SceneFacts(scale=ScaleInfo(factor=3.0, method="camera")))
    memory.arrays.extra["world_from_reconstruction"] = np.diag([3.0, 3.0, 3.0, 1.0])
    half = [ObjectInstance(id=i, label=label, box=OrientedBox.from_yaw([i, 0, 0.3], np.array(sides) / 2, 0))
            for i, (label, sides) in enumerate([("sofa", (2.0, 0.9, 0.85)), ("bed", (2.05, 1.5, 0.6))])]
    plan = plan_build("sfm")
    rescaled = with_objects(memory, half, rescale=True, config=plan.settings.scale)
    assert rescaled.scene.scale.factor == pytest.approx(6.0) and rescaled.scene.scale.method == "object-size priors (2 objects)"
    assert rescaled.objects[0].box.extents == pytest.approx((2.0, 0.9, 0.85)) and np.allclose(rescaled.points.xyz, 2.0)
    assert np.allclose(rescaled.arrays.extra["world_from_reconstruction"][:3, :3], 6 * np.eye(3))
    kept = with_objects(memory, half, rescale=False, config=plan.settings.scale)
    assert kept.scene.scale.factor == 3.0 and len(kept.objects) == 2


def test_build_memory_with_the_hook_on_a_metric_input(tmp_path: Path) -> None:
    def ground(memory: SpatialMemory) -> list[ObjectInstance]:
        assert memory.arrays.depth is not None and memory.arrays.depth.shape == (3, 30, 40)
        return [ObjectInstance(id=0, label="wall", box=OrientedBox.from_yaw([0, 0, 0], [1, 1, 1], 0))]

    scene = manifest_scene(tmp_path / "scene")
    memory = build_memory(scene, instances=ground, cache_dir=tmp_path / "cache", progress=False)
    assert [o.label for o in memory.objects] == ["wall"] and memory.scene.scale.factor == 1.0
    assert "objects: 1 from the instances hook" in memory.provenance.notes
    assert not (tmp_path / "cache").exists(), "a hook without a fingerprint cannot be cached"
    ground.fingerprint = {"kind": "test", "version": 1}  # type: ignore[attr-defined]
    first = run_build(scene, instances=ground, cache_dir=tmp_path / "cache", progress=False)
    second = run_build(scene, instances=ground, cache_dir=tmp_path / "cache", progress=False)
    assert (first.cache_hit, second.cache_hit) == (False, True) and [o.label for o in second.memory.objects] == ["wall"]
    assert second.memory.provenance.settings["grounding"] == {"kind": "test", "version": 1}
    plain = run_build(scene, cache_dir=tmp_path / "cache", progress=False)
    assert not plain.cache_hit and not plain.memory.objects


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reasmory", *args], capture_output=True, text=True, env=ENV)


def test_cli_build_twice_then_a_cache_hit(tmp_path: Path) -> None:
    scene = manifest_scene(tmp_path / "scene")
    out = tmp_path / "wall.rmem"
    first = _cli("build", str(scene), "--cache-dir", str(tmp_path / "cache"), "-o", str(out), "--set", "voxel_size=0.02")
    assert first.returncode == 0, first.stderr
    assert "built in" in first.stdout and out.is_file() and len(SpatialMemory.load(out).frames) == 3
    second = _cli("build", str(scene), "--cache-dir", str(tmp_path / "cache"), "--set", "voxel_size=0.02")
    assert second.returncode == 0 and "cache hit" in second.stdout and "nothing rebuilt" in second.stdout


def test_cli_errors_are_one_line_with_exit_2(tmp_path: Path) -> None:
    missing = _cli("build", str(tmp_path / "nothing.mp4"))
    assert missing.returncode == 2 and "no such file or folder" in missing.stderr and "Traceback" not in missing.stderr
    (tmp_path / "imgs").mkdir()
    Image.fromarray(np.zeros((16, 16, 3), np.uint8)).save(tmp_path / "imgs" / "a.png")
    vggt = _cli("build", str(tmp_path / "imgs"), "--backend", "vggt", "--no-cache")
    assert vggt.returncode == 2 and len(vggt.stderr.strip().splitlines()) == 1
    assert "optional 'vggt' package" in vggt.stderr and "pip install" in vggt.stderr
    assert "Example:" in (build_cmd.build.__doc__ or "")


def test_cli_build_of_a_scene_folder_grounds_its_masks_as_answer_does(synth_scene: Path, tmp_path: Path) -> None:
    """`build SCENE --backend rgbd` gives the memory `answer SCENE` builds: the objects of the folder's instance masks,
    from the same cache entry."""
    from reasmory.answering.sources import load_or_build_memory
    from reasmory.answering.settings import Settings

    out = tmp_path / "scene.rmem"
    proc = _cli("build", str(synth_scene), "--backend", "rgbd", "--cache-dir", str(tmp_path / "cache"), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    built = SpatialMemory.load(out)
    assert len(built.objects) >= 5 and "objects" in proc.stdout
    answered = load_or_build_memory(synth_scene, Settings(cache_dir=tmp_path / "cache"))
    assert sorted(o.label for o in answered.objects) == sorted(o.label for o in built.objects)
    assert len(list((tmp_path / "cache").glob("*.rmem"))) == 1, "answer reused build's cache entry"


def test_an_upgrade_rebuilds_instead_of_reusing_what_older_code_built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache key holds the memory format's version, the build pipeline's and the package's."""
    import importlib.metadata

    from reasmory.memory import model

    scene = manifest_scene(tmp_path / "scene")
    assert not run_build(scene, cache_dir=tmp_path / "cache", progress=False).cache_hit
    assert run_build(scene, cache_dir=tmp_path / "cache", progress=False).cache_hit
    installed = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "99.0" if name == "reasmory" else installed(name))
    assert not run_build(scene, cache_dir=tmp_path / "cache", progress=False).cache_hit, "a new reasmory version rebuilds"
    monkeypatch.setattr(model, "SCHEMA_VERSION", model.SCHEMA_VERSION + 1)
    assert not run_build(scene, cache_dir=tmp_path / "cache", progress=False).cache_hit, "a new memory format rebuilds"
