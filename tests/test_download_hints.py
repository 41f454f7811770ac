"""Every weight-download command we tell users to run works with the installed huggingface_hub (`hf download`).

The commands come from the docs and from the hints the code raises (templates in the code are taken from the
hints they make); each runs through the real `hf` command line
with `--dry-run` and the hub offline, so it must get past argument parsing to the download itself.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

huggingface_hub = pytest.importorskip("huggingface_hub")

REPO = Path(__file__).resolve().parents[1]
_COMMAND = re.compile(r"hf download [^`\n]+")
_SOURCES = ["README.md", "docs", "reasmory", "memory", "interpreter", "benchmarks"]


def _texts() -> dict[Path, str]:
    files = []
    for name in _SOURCES:
        path = REPO / name
        files += [path] if path.is_file() else [p for p in path.rglob("*") if p.suffix in (".md", ".py")]
    return {p: p.read_text(encoding="utf-8") for p in files}


def _hints_raised() -> list[str]:
    """The hints the code gives when weights are missing."""
    from reasmory.answering.clients.local import _NO_WEIGHTS_HINT
    from reasmory.errors import InputError
    from reasmory.memory.grounding.detectors_load import unavailable
    from reasmory.memory.reconstruction.backends.vggt import _load_model

    class VGGT:
        @classmethod
        def from_pretrained(cls, name: str) -> None:
            raise OSError(f"{name} is not in the cache")

    with pytest.raises(InputError) as vggt:
        _load_model(VGGT, "facebook/VGGT-1B")
    detectors = unavailable({"detector": "google/owlv2-base-patch16-ensemble", "segmenter": "./models/sam"},
                            {"detector": "google/owlv2-base-patch16-ensemble", "segmenter": "facebook/sam-vit-base"})
    return [vggt.value.hint or "", detectors.hint or "", _NO_WEIGHTS_HINT.replace("MODEL", "Qwen/Qwen2.5-VL-7B-Instruct")]


def test_no_text_names_the_removed_command() -> None:
    stale = [str(p.relative_to(REPO)) for p, text in _texts().items() if "huggingface-cli" in text]
    assert stale == []


def test_every_download_command_runs_with_the_installed_hf(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import click
    from huggingface_hub import constants
    from huggingface_hub.cli.hf import app
    from huggingface_hub.errors import DryRunError, OfflineModeIsEnabled

    assert shutil.which("hf", path=str(Path(sys.executable).parent)), "the hf command is not installed beside this Python"
    documented = {m.group(0).strip() for text in _texts().values() for m in _COMMAND.finditer(text) if "{" not in m.group(0)}
    commands = sorted(documented | {m.group(0).strip() for hint in _hints_raised() for m in _COMMAND.finditer(hint)})
    assert len(commands) >= 5, commands
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.chdir(tmp_path)
    for command in commands:
        args = command.split()[1:] + ["--dry-run"]
        with pytest.raises((DryRunError, OfflineModeIsEnabled)):  # parsed, and went for the (offline) hub
            try:
                app.main(args, prog_name="hf", standalone_mode=False)
            except click.UsageError as exc:
                pytest.fail(f"`{command}` does not parse: {exc}")
