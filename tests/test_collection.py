"""Every test file on disk is collected by the README's test command, and no folder carries a name a tool skips.

pytest's default `norecursedirs` once hid `tests/build/` (62 tests) from CI; ruff and coverage skip the same names.
"""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCE_FOLDERS = ("reasmory", "memory", "interpreter", "grammar", "benchmarks", "tests")
# pytest's default norecursedirs, and ruff's default exclude (coverage and editor indexers skip the same kinds).
RESERVED = {"build", "dist", "venv", "node_modules", "site-packages", "_build", "buck-out", "CVS", "_darcs", "{arch}",
            "__pypackages__"}


def collected_files() -> set[str]:
    """Files the default command collects (`pytest --collect-only -q` from the repository root)."""
    listing = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
                             cwd=REPO, capture_output=True, text=True, timeout=600)
    assert listing.returncode == 0, listing.stdout[-2000:] + listing.stderr[-2000:]
    return {line.split("::", 1)[0] for line in listing.stdout.splitlines() if "::" in line}


def test_every_test_file_on_disk_is_collected_by_default() -> None:
    on_disk = {p.relative_to(REPO).as_posix() for p in (REPO / "tests").rglob("test_*.py")
               if "__pycache__" not in p.parts}
    assert len(on_disk) > 50
    skipped = sorted(on_disk - collected_files())
    assert not skipped, f"test files the default `pytest` silently skips: {skipped}"


def test_no_source_folder_has_a_name_tools_skip_by_default() -> None:
    offending = sorted(p.relative_to(REPO).as_posix() for top in SOURCE_FOLDERS for p in (REPO / top).rglob("*")
                       if p.is_dir() and (p.name in RESERVED or p.name.endswith(".egg")))
    assert not offending, f"rename these folders; pytest/ruff/coverage skip them by default: {offending}"
