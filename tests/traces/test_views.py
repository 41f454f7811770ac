"""Trace views: the rich tree, and the HTML report opened in headless Chromium."""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from rich.console import Console

from reasmory.cli.demo_cmd import example_scene_path
from reasmory.interpreter import run
from reasmory.memory.oracle import from_scene
from reasmory.traces import ReportItem, trace_html, trace_tree

PROGRAM = 'me = view(at=object("sofa"), facing=object("tv"))\nanswer(choose(direction(object("lamp"), viewer=me), options))\n'
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def trace():
    memory = from_scene(example_scene_path())
    return run(PROGRAM, memory, ["A. left", "B. right"], question="Is the lamp to my left or right?").trace


def test_tree_shows_statements_values_and_answer(trace) -> None:
    console = Console(record=True, width=120, color_system=None)
    console.print(trace_tree(trace))
    text = console.export_text()
    assert "Is the lamp to my left or right?" in text and "answer: A" in text
    assert 'me = view(at=object("sofa"), facing=object("tv"))' in text and "heading 90.0°" in text


def test_cli_trace_show_and_malformed_file(trace, tmp_path: Path) -> None:
    path = trace.save(tmp_path / "t.json")
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "150"}
    ok = subprocess.run([sys.executable, "-m", "reasmory", "trace", "show", str(path)], capture_output=True, text=True, env=env)
    assert ok.returncode == 0 and "answer: A" in ok.stdout
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    proc = subprocess.run([sys.executable, "-m", "reasmory", "trace", "show", str(bad)], capture_output=True, text=True, env=env)
    assert proc.returncode == 2 and "not a valid Reasmory trace" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed (install.sh installs it as root)")
def test_html_report_renders_in_chromium_with_steps_and_images(trace, tmp_path: Path) -> None:
    picture = tmp_path / "map.png"
    Image.new("RGB", (120, 80), (200, 30, 30)).save(picture)
    page = tmp_path / "report.html"
    page.write_text(trace_html([ReportItem(trace, "A", [("a red test picture", picture)])], title="Report test", base=tmp_path))
    html = page.read_text()
    assert "data:image/png;base64," in html and "http" not in html.replace("http-equiv", "")  # self-contained
    with tempfile.TemporaryDirectory() as profile:
        flags = [*CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
        dom = subprocess.run(["chromium", *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=60)
        shot = tmp_path / "shot.png"
        subprocess.run(["chromium", *flags, f"--screenshot={shot}", "--window-size=1000,1400", page.as_uri()],
                       capture_output=True, timeout=60, env={**os.environ, "HOME": profile})
    assert "✓ matches" in dom.stdout and "direction" in dom.stdout and "a red test picture" in dom.stdout
    pixels = np.asarray(Image.open(shot).convert("RGB")).reshape(-1, 3).astype(int)
    reds = int(((pixels[:, 0] > 180) & (pixels[:, 1] < 60) & (pixels[:, 2] < 60)).sum())
    assert reds > 2000, "the embedded image is not drawn"


def test_cli_trace_html_says_the_question_once(trace, tmp_path: Path) -> None:
    path = trace.save(tmp_path / "t.json")
    page = tmp_path / "report.html"
    proc = subprocess.run([sys.executable, "-m", "reasmory", "trace", "html", str(path), "-o", str(page)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    body = page.read_text().split("<body>", 1)[1]
    assert body.count("Is the lamp to my left or right?") == 1
    several = trace_html([ReportItem(trace), ReportItem(trace)], title="Two questions").split("<body>", 1)[1]
    assert several.count("Is the lamp to my left or right?") == 2  # each section of a report of several says its own
