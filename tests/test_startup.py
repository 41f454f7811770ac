"""Start-up stays light: which libraries `import reasmory`, `reasmory --help` and `reasmory run` import."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reasmory.memory import ObjectInstance, OrientedBox, SpatialMemory

#: Imported by no command that only prints help or runs a program on a memory.
NEVER = {"scipy", "torch", "open3d", "PIL", "lark", "lark_cython", "cv2", "av", "pycolmap", "transformers", "httpx",
         "ray", "matplotlib", "prompt_toolkit", "llguidance"}

_PROBE = """
import contextlib, io, json, sys
argv = json.loads(sys.argv[1])
if argv is None:
    import reasmory
    code = 0
else:
    from reasmory.cli import main
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = main(argv)
print(json.dumps({"code": code, "modules": sorted({m.split(".")[0] for m in sys.modules})}))
"""


def _imported(argv: list[str] | None) -> set[str]:
    done = subprocess.run([sys.executable, "-c", _PROBE, json.dumps(argv)], capture_output=True, text=True, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["code"] == 0, done.stderr
    return set(result["modules"])


def test_import_reasmory_imports_no_library() -> None:
    assert not _imported(None) & (NEVER | {"numpy", "pydantic", "rich", "typer"})


def test_help_imports_neither_numpy_nor_pydantic_nor_rich() -> None:
    assert not _imported(["--help"]) & (NEVER | {"numpy", "pydantic", "rich"})


@pytest.mark.parametrize("program", ['answer(distance(objects("chair"), object("table")))', 'answer(count(objects("chair")))'])
def test_run_imports_only_what_a_run_needs(tmp_path: Path, program: str) -> None:
    objects = [ObjectInstance(id=i, label=label, box=OrientedBox(center=(i, 0, 0.5), extents=(0.5, 0.5, 1)),
                              attributes={"geometry": "box"}) for i, label in enumerate(["chair", "chair", "table"])]
    memory = SpatialMemory(objects=objects).save(tmp_path / "m.rmem")
    (tmp_path / "q.rp").write_text(program)
    assert not _imported(["run", str(memory), str(tmp_path / "q.rp")]) & NEVER
