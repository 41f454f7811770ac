"""The README's and docs/' commands run as written, from a folder laid out like a fresh clone.

Every ```bash / ```sh / ```python block of README.md and docs/*.md runs, block after block, in one working folder
per document that holds the clone's files (linked) with `../shared` beside it, the virtual environment's `reasmory`
and `python` first on PATH. A block that cannot run here carries a comment saying why on the line before it,
`<!-- not run by tests/test_docs.py: REASON -->`; a few commands inside runnable blocks are left out by
`LEFT_OUT` below, each with its reason. Blocks in other languages (programs, JSON, transcripts) are not commands.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO, SHARED

RUN_LANGUAGES = ("bash", "sh", "python")
SKIP = re.compile(r"<!--\s*not run by tests/test_docs\.py:\s*(.+?)\s*-->")
FENCE = re.compile(r"^(\s*)```(\w*)\s*$")
#: Commands left out of runnable blocks: (pattern at the start of a line, why).
LEFT_OUT = (
    (re.compile(r"bash install\.sh\b"), "installs the environment this test runs in (CI runs it first)"),
    (re.compile(r"(\.venv/bin/)?pytest\b"), "the test suite itself"),
    (re.compile(r"(\.venv/bin/)?reasmory demo\b"), "run end to end by tests/test_demo.py"),
    (re.compile(r"pip install\b"), "installs packages from the network"),
)
#: Programs a block may need that a machine need not have: the block is skipped, saying so, where one is missing.
OPTIONAL_PROGRAMS = ("chromium",)


@dataclass(frozen=True)
class Block:
    doc: str
    line: int
    language: str
    text: str
    skip: str | None


def blocks(path: Path) -> list[Block]:
    """The fenced blocks of a Markdown file, with the skip reason written above each (if any)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found, i = [], 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        indent, language, start = match.group(1), match.group(2), i
        end = next(j for j in range(i + 1, len(lines)) if lines[j].strip() == "```")
        body = "\n".join(line[len(indent):] for line in lines[start + 1 : end])
        above = SKIP.search(lines[start - 1]) if start else None
        found.append(Block(path.name, start + 1, language, body + "\n", above.group(1) if above else None))
        i = end + 1
    return found


def documents() -> list[Path]:
    return [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]


def runnable(block: Block) -> str:
    """The block's text with LEFT_OUT commands replaced by a no-op that says why."""
    kept = []
    for line in block.text.splitlines():
        reason = next((why for pattern, why in LEFT_OUT if pattern.match(line.strip())), None)
        kept.append(f"true  # left out: {reason}" if reason and block.language != "python" else line)
    return "\n".join(kept) + "\n"


def clone_like(root: Path) -> Path:
    """A working folder that looks like a fresh clone (its files linked), with `../shared` beside it."""
    work = root / "reasmory"
    work.mkdir()
    for entry in REPO.iterdir():
        if entry.name not in (".git", ".pytest_cache", "bench-results") and not entry.name.endswith(".egg-info"):
            (work / entry.name).symlink_to(entry)
    if SHARED.exists():
        (root / "shared").symlink_to(SHARED)
    return work


@pytest.mark.slow
@pytest.mark.parametrize("doc", documents(), ids=lambda p: p.name)
def test_every_command_of_the_document_runs_as_written(doc: Path, tmp_path: Path) -> None:
    todo = [b for b in blocks(doc) if b.language in RUN_LANGUAGES]
    if not todo:
        pytest.skip(f"{doc.name} has no commands")
    if not SHARED.exists() and any("../shared" in b.text for b in todo):
        pytest.skip(f"shared test data not found at {SHARED}")
    work = clone_like(tmp_path)
    venv = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{venv}{os.pathsep}{os.environ['PATH']}", "NO_COLOR": "1", "COLUMNS": "200",
           "REASMORY_CACHE_DIR": str(tmp_path / "cache"), "XDG_CACHE_HOME": str(tmp_path / "xdg-cache"),
           "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"), "RERUN_ANALYTICS": "0"}
    env = {k: v for k, v in env.items() if not (k.startswith("REASMORY_") and k not in ("REASMORY_CACHE_DIR", "REASMORY_SHARED"))}
    skipped = []
    for block in todo:
        missing = [p for p in OPTIONAL_PROGRAMS if re.search(rf"^\s*{p}\b", block.text, re.M) and shutil.which(p) is None]
        if block.skip or missing:
            skipped.append(f"{block.doc}:{block.line}: {block.skip or f'{missing[0]} is not installed'}")
            continue
        script = work / f"_block_{block.line}.{'py' if block.language == 'python' else 'sh'}"
        script.write_text(runnable(block), encoding="utf-8")
        command = [sys.executable, script.name] if block.language == "python" else ["bash", "-euo", "pipefail", script.name]
        proc = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, (f"{block.doc} line {block.line} failed (exit {proc.returncode}):\n{block.text}\n"
                                      f"--- stdout\n{proc.stdout[-3000:]}\n--- stderr\n{proc.stderr[-3000:]}")
    for line in skipped:
        print("not run:", line)


def test_every_skipped_block_says_why_and_every_document_is_walked() -> None:
    """A skip comment must name a reason; a runnable block with placeholders would fail the walk above."""
    for doc in documents():
        for block in blocks(doc):
            if block.skip is not None:
                assert len(block.skip) > 10, f"{doc.name}:{block.line}: say why the block is not run"
    assert {p.name for p in documents()} >= {"README.md", "viewer.md", "language.md", "rendering.md"}


def test_the_docs_show_a_chromium_screenshot_command_that_works_as_root() -> None:
    """Headless Chromium run as root needs --no-sandbox: the docs' command has it (and the walk above runs it)."""
    commands = [line for doc in documents() for b in blocks(doc) if b.language in RUN_LANGUAGES and not b.skip
                for line in b.text.splitlines() if line.strip().startswith("chromium ")]
    assert commands, "no chromium command in the docs"
    for command in commands:
        assert "--headless" in command and "--no-sandbox" in command and "--screenshot=" in command, command
