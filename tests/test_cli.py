"""The command line as a user meets it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ENV = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}


def reasmory(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reasmory", *args], capture_output=True, text=True, env=ENV)


def test_memory_from_vsibench_then_info(vsibench_meta_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "s.rmem"
    proc = reasmory("memory", "from-vsibench", "--meta", str(vsibench_meta_dir / "scannet_meta_info_val.json"),
                    "--scene", "scene0251_00", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    info = reasmory("memory", "info", str(out))
    assert info.returncode == 0, info.stderr
    for word in ("trash bin", "oracle", "35.86 m²", "scene0251_00"):
        assert word in info.stdout


def test_bad_usage_exits_2_without_traceback(tmp_path: Path) -> None:
    proc = reasmory("memory", "from-vsibench", "--scene", "x", "-o", str(tmp_path / "a.rmem"))
    assert proc.returncode == 2
    assert "Missing option" in proc.stderr and "Traceback" not in proc.stderr


def test_help_lists_commands() -> None:
    proc = reasmory("--help")
    assert proc.returncode == 0 and "memory" in proc.stdout and "demo" in proc.stdout


@pytest.mark.parametrize("cmd", [("memory", "info", "--help"), ("memory", "from-vsibench", "--help"), ("demo", "--help")])
def test_every_command_help_has_an_example(cmd: tuple[str, ...]) -> None:
    proc = reasmory(*cmd)
    assert proc.returncode == 0 and "Example" in proc.stdout


def _command_paths() -> list[tuple[str, ...]]:
    import typer

    from reasmory.cli import app

    def walk(group, prefix):
        for name, cmd in getattr(group, "commands", {}).items():
            if getattr(cmd, "commands", None):
                yield from walk(cmd, (*prefix, name))
            else:
                yield (*prefix, name)

    return sorted(walk(typer.main.get_command(app), ()))


def _described_arguments(path: tuple[str, ...]) -> list[str]:
    """The help texts the command's function gives its arguments (typer's ArgumentInfo)."""
    import inspect

    import click
    import typer

    from reasmory.cli import app

    command = typer.main.get_command(app)
    for name in path:
        command = command.get_command(click.Context(command), name)
    return [p.default.help for p in inspect.signature(command.callback).parameters.values()
            if isinstance(p.default, typer.models.ArgumentInfo) and p.default.help]


def test_every_argument_is_described_in_help() -> None:
    """click 8.5 gives every parameter a `help` of its own, which blanked the argument lines of typer 0.24's help."""
    described = {path: _described_arguments(path) for path in _command_paths()}
    assert len(described[("run",)]) == 2
    missing = [f"{' '.join(path)}: {text}" for path, texts in described.items() if texts
               for text in texts if " ".join(text.split())[:40] not in " ".join(reasmory(*path, "--help").stdout.split())]
    assert not missing


def test_every_command_has_help_with_an_example() -> None:
    paths = _command_paths()
    assert {("demo",), ("memory", "info"), ("run",), ("check",), ("trace", "html"), ("playground",)} <= set(paths)
    missing = [" ".join(p) for p in paths if "Example" not in reasmory(*p, "--help").stdout]
    assert not missing, f"commands without an Example in --help: {missing}"
