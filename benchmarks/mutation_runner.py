"""Running tests against mutants fast: a staged copy of the package and a test run per mutant forked from a warm process.

cosmic-ray makes the mutants (its operators, its session database, its
`use_mutation` that writes a mutant into a file and puts the original back);
what it would do per mutant with a fresh `pytest` process (≈ 2.5 s here, most
of it imports) is done here by forking a process that has imported numpy,
scipy, pydantic, lark, pytest and hypothesis once, dropping every `reasmory`
module and running pytest in the child (≈ 0.3 s plus the tests). Mutants are
written into a copy of the sources laid out as the installed package
(`stage/reasmory/interpreter/…`), so the working tree is never touched and an
interrupted run leaves nothing behind but the copy.
"""

from __future__ import annotations

import compileall
import importlib
import json
import os
import shutil
import signal
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

#: Repository folders and where they sit in the installed package (pyproject's package-dir).
PACKAGE_DIRS = {"reasmory": "reasmory", "interpreter": "reasmory/interpreter", "memory": "reasmory/memory",
                "grammar": "reasmory/grammar", "benchmarks": "reasmory/benchmarks"}
WARM_IMPORTS = ("numpy", "scipy.spatial", "scipy.ndimage", "pydantic", "lark", "pytest", "hypothesis", "PIL.Image", "rich",
                "typer", "httpx", "torch")
#: The pytest plugins the tests use, loaded by name (entry-point autoloading is off in the forked runs).
PLUGINS = ("-p", "_hypothesis_pytestplugin", "-p", "pytest_timeout")
#: Every staged file gets this modification time, so a mutant (written later) never matches a compiled original.
_STAGED_MTIME = 1_000_000_000


def staged_path(repo_path: str) -> str:
    """Where a repository file (e.g. `memory/labels.py`) sits in the staged package."""
    top, _, rest = repo_path.partition("/")
    return f"{PACKAGE_DIRS[top]}/{rest}" if top in PACKAGE_DIRS else repo_path


def stage(repo: Path, dest: Path) -> Path:
    """A fresh copy of the sources and tests under `dest`, laid out as installed, compiled once."""
    if dest.exists():
        shutil.rmtree(dest)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis")
    for top, where in sorted(PACKAGE_DIRS.items(), key=lambda kv: kv[1].count("/")):
        shutil.copytree(repo / top, dest / where, ignore=ignore, dirs_exist_ok=True)
    shutil.copytree(repo / "tests", dest / "tests", ignore=ignore)
    shutil.copy2(repo / "pyproject.toml", dest / "pyproject.toml")
    for name in ("docs", "README.md", "SECURITY.md", "CHANGELOG.md"):  # read by some tests, never mutated
        if (repo / name).exists():
            (dest / name).symlink_to(repo / name)
    for top, where in PACKAGE_DIRS.items():  # tests that read sources by repository path see the staged (mutated) ones
        if top != where:
            (dest / top).symlink_to(dest / where, target_is_directory=True)
    for path in dest.rglob("*.py"):
        os.utime(path, (_STAGED_MTIME, _STAGED_MTIME))
    compileall.compile_dir(str(dest), quiet=1, workers=1)
    return dest


def warm_up() -> None:
    """Import what every test run needs, once, in the process the runs are forked from."""
    sys.dont_write_bytecode = True
    for name in WARM_IMPORTS:
        try:
            importlib.import_module(name)
        except ImportError:
            pass


@dataclass(frozen=True)
class TestRun:
    killed: bool
    timed_out: bool
    seconds: float
    output: str


class LineRecorder:
    """A pytest plugin recording, per test, the lines of some files the test runs (sys.settrace on those files only)."""

    def __init__(self, filenames: set[str]) -> None:
        self.filenames = filenames
        self.current: dict[str, set[int]] | None = None
        self.lines: dict[str, dict[str, set[int]]] = {}

    def _global(self, frame, event, arg):  # noqa: ANN001, ANN202 — sys.settrace's protocol
        return self._local if frame.f_code.co_filename in self.filenames else None

    def _local(self, frame, event, arg):  # noqa: ANN001, ANN202
        if event == "line" and self.current is not None:
            self.current.setdefault(frame.f_code.co_filename, set()).add(frame.f_lineno)
        return self._local

    def pytest_runtest_setup(self, item) -> None:  # noqa: ANN001
        self.current = self.lines.setdefault(item.nodeid, {})
        sys.settrace(self._global)
        threading.settrace(self._global)

    def pytest_runtest_teardown(self, item, nextitem) -> None:  # noqa: ANN001
        sys.settrace(None)
        threading.settrace(None)
        self.current = None


def run_tests(stage_dir: Path, tests: tuple[str, ...], timeout: float, log: Path, coverage_of: set[str] | None = None) -> TestRun:
    """pytest on `tests` against the staged sources, in a forked child; killed = any failure, error or timeout.

    With `coverage_of` (staged files), the child also writes `<log>.lines.json`: test id → file → lines it ran.
    """
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 70
        try:
            os.setpgrp()
            fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            os.chdir(stage_dir)
            for name in [m for m in sys.modules if m.split(".")[0] in ("reasmory", "tests")]:
                del sys.modules[name]
            sys.path.insert(0, str(stage_dir))
            import pytest

            recorder = LineRecorder(coverage_of) if coverage_of is not None else None
            os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # scanning every installed package's entry points: ~1 s a run
            code = int(pytest.main(["-x", "-q", "-p", "no:cacheprovider", "--no-header", *PLUGINS, *tests],
                                   plugins=[recorder] if recorder else []))
            if recorder is not None:
                Path(f"{log}.lines.json").write_text(json.dumps(
                    {test: {f: sorted(lines) for f, lines in files.items()} for test, files in recorder.lines.items()}))
        except BaseException:  # noqa: BLE001 — whatever happens, the child exits with a status
            code = 71
        finally:
            os._exit(code)
    timed_out = False
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() - start > timeout:
            timed_out = True
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            _, status = os.waitpid(pid, 0)
            break
        time.sleep(0.01)
    output = log.read_text(encoding="utf-8", errors="replace")[-4000:] if log.exists() else ""
    killed = timed_out or os.waitstatus_to_exitcode(status) != 0
    return TestRun(killed, timed_out, time.monotonic() - start, output)
