"""`reasmory demo` on a fresh room: real pipeline, answers beside the exact ones, traces and report."""

import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.slow
def test_demo_answers_every_question_and_writes_the_report(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "reasmory", "demo", "-o", str(tmp_path), "--frames", "32"],
                          capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}, timeout=280)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "answers agree with the exact answers" in proc.stdout
    traces = sorted((tmp_path / "traces").glob("*.json"))
    assert len(traces) >= 5
    report = (tmp_path / "report.html").read_text()
    assert report.count("<h2>") == len(traces) and "data:image/png;base64," in report
