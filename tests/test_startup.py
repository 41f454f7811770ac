"""Start-up stays light: which libraries `import reasmory`, `reasmory --help` and `reasmory run` import."""

import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reasmory.memory import Frame, ObjectInstance, OrientedBox, SpatialMemory

#: Imported by no command that only prints help or runs a program on a memory (numpy.ma: np.unique and np.median).
NEVER = {"scipy", "torch", "open3d", "PIL", "lark", "lark_cython", "cv2", "av", "pycolmap", "transformers", "httpx",
         "ray", "matplotlib", "prompt_toolkit", "llguidance", "numba", "numpy.ma"}

#: Submodules the probe reports by their full name (their packages are imported anyway).
SUBMODULES = ["numpy.ma", "importlib.metadata", "importlib.resources"]

#: The command-line modules `reasmory run` loads: its own command's and what that imports (the others load on demand).
RUN_COMMAND_MODULES = {"reasmory.cli.program_cmd", "reasmory.cli.arguments", "reasmory.cli.output"}

_PROBE = """
import contextlib, io, json, sys
argv, submodules = json.loads(sys.argv[1]), json.loads(sys.argv[2])
for name in [m for m in sys.modules if m.split(".")[0] == "json"]:
    del sys.modules[name]  # loaded to read the arguments: whether the command loads json is reported too
if argv is None:
    import reasmory
    code = 0
else:
    from reasmory.cli import main
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = main(argv)
sandbox = sys.modules.get("reasmory.interpreter.sandbox")
commands = {m for m in sys.modules if m.startswith("reasmory.cli.")}
modules = sorted({m.split(".")[0] for m in sys.modules} | set(submodules) & set(sys.modules) | commands)
import json
print(json.dumps({"code": code, "modules": modules,
                  "run_server": sandbox is not None and sandbox._SERVER is not None}))
"""


def _probe(argv: list[str] | None) -> dict:
    done = subprocess.run([sys.executable, "-c", _PROBE, json.dumps(argv), json.dumps(SUBMODULES)], capture_output=True, text=True,
                          check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["code"] == 0, done.stderr
    return result


def _imported(argv: list[str] | None) -> set[str]:
    return set(_probe(argv)["modules"])


def test_import_reasmory_imports_no_library() -> None:
    assert not _imported(None) & (NEVER | {"numpy", "pydantic", "rich", "typer"})


def test_help_imports_neither_numpy_nor_pydantic_nor_rich() -> None:
    """Nor the package metadata and resource readers (pydantic's plugin discovery, the demo's example scene)."""
    assert not _imported(["--help"]) & (NEVER | {"numpy", "pydantic", "rich", "importlib.metadata", "importlib.resources"})


@pytest.mark.parametrize("program", ['answer(distance(objects("chair"), object("table")))', 'answer(count(objects("chair")))'])
def test_run_imports_only_what_a_run_needs(tmp_path: Path, program: str) -> None:
    objects = [ObjectInstance(id=i, label=label, box=OrientedBox(center=(i, 0, 0.5), extents=(0.5, 0.5, 1)),
                              attributes={"geometry": "box"}) for i, label in enumerate(["chair", "chair", "table"])]
    K = ((500.0, 0.0, 320.0), (0.0, 500.0, 240.0), (0.0, 0.0, 1.0))
    frames = [Frame(index=i, timestamp=float(i), width=640, height=480, K=K,  # enough cameras for the answer's evidence
                    pose=((1.0, 0.0, 0.0, 0.5 * i), (0.0, 1.0, 0.0, 0.0), (0.0, 0.0, 1.0, 0.0), (0.0, 0.0, 0.0, 1.0)))
              for i in range(4)]
    objects = [o.model_copy(update={"frames": [0, 1]}) for o in objects]
    memory = SpatialMemory(frames=frames, objects=objects).save(tmp_path / "m.rmem")
    (tmp_path / "q.rp").write_text(program)
    result = _probe(["run", str(memory), str(tmp_path / "q.rp")])
    assert not set(result["modules"]) & (NEVER | {"rich"})  # the answer and warnings go to a pipe: written as rich would
    assert "json" not in result["modules"]  # the manifest is read by pydantic's JSON reader (json compiles its patterns)
    assert {m for m in result["modules"] if m.startswith("reasmory.cli.")} == RUN_COMMAND_MODULES  # not the other commands'
    assert not result["run_server"]  # the worker is forked from the command itself: no second Python imports it all again


@pytest.mark.parametrize(("variable", "ours"), [("PYDANTIC_DISABLE_PLUGINS", "__all__"), ("OPENBLAS_THREAD_TIMEOUT", "16")])
@pytest.mark.parametrize("given", [None, "", "28"])
def test_the_script_sets_its_start_up_settings_unless_told(monkeypatch: pytest.MonkeyPatch, variable: str, ours: str,
                                                           given: str | None) -> None:
    """Pydantic's plugin discovery skipped (it reads every installed distribution's entry points: 0.1 s) and OpenBLAS's
    idle threads sleeping sooner; a setting of the user's, even empty (every plugin kept), is left as it is."""
    import reasmory.cli as cli

    if given is None:
        monkeypatch.delenv(variable, raising=False)
    else:
        monkeypatch.setenv(variable, given)
    monkeypatch.setattr(cli, "main", lambda: 0)
    with pytest.raises(SystemExit):
        cli.run()
    assert os.environ[variable] == (ours if given is None else given)


def test_the_script_sets_them_before_numpy_loads() -> None:
    """OpenBLAS reads its settings once, when numpy first loads it: the command line must not load numpy itself."""
    done = subprocess.run([sys.executable, "-c", "import sys, reasmory.launcher, reasmory.cli; print('numpy' in sys.modules)"],
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False", done.stderr


_SCRIPT_PROBE = """
import gc, json, sys
from reasmory import launcher
sys.argv = ["reasmory", *json.loads(sys.argv[1])]
try:
    launcher.run()
except SystemExit as exc:
    print(json.dumps({"code": exc.code, "collecting": gc.isenabled(), "frozen": gc.get_freeze_count() > len(gc.get_objects())}))
"""


def _chair_memory(tmp_path: Path) -> str:
    memory = SpatialMemory(objects=[ObjectInstance(id=0, label="chair", box=OrientedBox(center=(0, 0, 0.5), extents=(0.5, 0.5, 1)))])
    (tmp_path / "q.rp").write_text('answer(count(objects("chair")))')
    return str(memory.save(tmp_path / "m.rmem"))


@pytest.mark.parametrize(("argv", "collecting"), [(["--help"], False), (["check", "Q", "--memory", "M"], True), (["run", "M", "Q"], True)])
def test_the_script_pauses_the_collector_until_a_command_starts_and_freezes_all_at_exit(tmp_path: Path, argv: list[str], collecting: bool) -> None:
    paths = {"M": _chair_memory(tmp_path), "Q": str(tmp_path / "q.rp")}
    done = subprocess.run([sys.executable, "-c", _SCRIPT_PROBE, json.dumps([paths.get(a, a) for a in argv])],
                          capture_output=True, text=True, check=True)
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"code": 0, "collecting": collecting, "frozen": True}, done.stderr


def test_a_program_calling_main_keeps_its_collector_setting(tmp_path: Path) -> None:
    import gc

    from reasmory.cli import main

    memory = _chair_memory(tmp_path)
    gc.disable()
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["check", str(tmp_path / "q.rp"), "--memory", memory]) == 0
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_no_model_a_run_builds_has_a_default_factory_read_from_text() -> None:
    """Pydantic reads each default factory's signature as it builds a model; a builtin's (`list`'s) is parsed from its
    text signature with the tokenizer, 4 ms of a run's start-up in all (`reasmory.defaults.new_list` instead)."""
    import reasmory.interpreter  # noqa: F401  (builds every model a run needs)
    from pydantic import BaseModel

    def models(cls: type[BaseModel]) -> list[type[BaseModel]]:
        return [cls, *(m for sub in cls.__subclasses__() for m in models(sub))]

    ours = [m for m in models(BaseModel) if m.__module__.startswith("reasmory.")]
    assert ours
    parsed = [f"{m.__name__}.{name}" for m in ours for name, info in m.model_fields.items()
              if getattr(info.default_factory, "__text_signature__", None) is not None]
    assert not parsed


_ADAPTER_PROBE = """
import contextlib, io, json, sys
import pydantic
from reasmory.cli import main

built = []
init = pydantic.TypeAdapter.__init__
pydantic.TypeAdapter.__init__ = lambda self, *args, **kwargs: (built.append(repr(args[0])), init(self, *args, **kwargs))[1]
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    code = main(json.loads(sys.argv[1]))
print(json.dumps({"code": code, "built": built}))
"""


def test_the_command_line_builds_no_validator_for_its_arguments(tmp_path: Path) -> None:
    """typer 0.25 and later coerce every parameter through a pydantic TypeAdapter built as the arguments are parsed
    (13 ms of `reasmory run`'s start-up, six adapters); the project keeps a typer that hands them to click's types."""
    argv = ["run", _chair_memory(tmp_path), str(tmp_path / "q.rp"), "--trace", str(tmp_path / "t.json")]
    done = subprocess.run([sys.executable, "-c", _ADAPTER_PROBE, json.dumps(argv)], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"code": 0, "built": []}, done.stderr


_EXIT_PROBE = """
import atexit, json, os, sys, threading, time
from reasmory import launcher
import reasmory.cli as cli


def teardown_witness(event, args, write=os.write):
    if event == "cpython.PyInterpreterState_Clear":  # the interpreter's teardown, after the exit handlers
        write(1, b"torn down\\n")


sys.addaudithook(teardown_witness)
command, thread = cli.main, json.loads(sys.argv[2])


def main():
    atexit.register(print, "exit handler ran")
    if thread:
        threading.Thread(target=time.sleep, args=(60,), daemon=True).start()
    return command()


cli.main = main
sys.argv = ["reasmory", *json.loads(sys.argv[1])]
launcher.run()
"""


@pytest.mark.parametrize(("argv", "thread", "status", "output", "torn_down"), [
    (["run", "M", "Q"], False, 0, ["1"], False), (["run", "M", "BAD"], False, 1, [], False),
    (["check", "Q", "--memory", "M"], False, 0, [], False), (["run", "M", "Q"], True, 0, ["1"], True),
    (["--help"], False, 0, [], True), (["memory", "info", "M"], False, 0, [], True)])
def test_run_and_check_end_without_the_interpreters_teardown(tmp_path: Path, argv: list[str], thread: bool, status: int,
                                                             output: list[str], torn_down: bool) -> None:
    """Once `run` or `check` has returned, the exit handlers run and the output (a pipe here) is flushed, and the process
    ends with the command's status without the teardown (9 ms of a run); other commands, and a process with another
    thread still running, exit the ordinary way."""
    paths = {"M": _chair_memory(tmp_path), "Q": str(tmp_path / "q.rp"), "BAD": str(tmp_path / "bad.rp")}
    (tmp_path / "bad.rp").write_text('answer(count(objects("sofa")))')
    done = subprocess.run([sys.executable, "-c", _EXIT_PROBE, json.dumps([paths.get(a, a) for a in argv]), json.dumps(thread)],
                          capture_output=True, text=True)
    assert done.returncode == status, done.stderr
    ending = [*output, "exit handler ran", *(["torn down"] if torn_down else [])]
    assert done.stdout.splitlines()[-len(ending):] == ending


_TRACE_PROBE = """
import json, sys
from reasmory.interpreter import run
from reasmory.interpreter.trace import CallRecord, Trace, TraceStep
from reasmory.memory import SpatialMemory
from reasmory.memory.evidence import Evidence, ObjectEvidence, ScaleEvidence

result = run(sys.argv[2], SpatialMemory.load(sys.argv[1]))
built = {model.__name__: model.__pydantic_complete__
         for model in (CallRecord, TraceStep, Trace, Evidence, ObjectEvidence, ScaleEvidence)}
print(json.dumps({"built": built, "steps": len(result.trace.steps), "calls": len(result.trace.steps[0].calls),
                  "evidence": [o.label for o in result.trace.evidence.objects],
                  "dataclass_schemas": "pydantic.dataclasses" in sys.modules}))
"""


def test_a_run_builds_no_validator_for_the_trace_it_makes(tmp_path: Path) -> None:
    """The run's own records and the evidence behind its answer are made unvalidated from its values and the memory's:
    their validators (and the schema of the spans they hold) are built only when a trace is read or written, not as
    every run starts (4 ms of `reasmory run`)."""
    memory = _chair_memory(tmp_path)
    done = subprocess.run([sys.executable, "-c", _TRACE_PROBE, memory, 'n = count(objects("chair"))\nanswer(n)'],
                          capture_output=True, text=True, check=True)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report == {"built": dict.fromkeys(["CallRecord", "TraceStep", "Trace", "Evidence", "ObjectEvidence", "ScaleEvidence"],
                                             False),
                      "steps": 2, "calls": 2, "evidence": ["chair"], "dataclass_schemas": False}
