"""A self-contained HTML report of one or more traces: question, highlighted program, every step, images.

Images are embedded as base64 PNG, styles are inline: the page needs no network
and no other file to be read.
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass
from pathlib import Path

from reasmory.errors import InputError
from reasmory.files import read_limited
from reasmory.interpreter.syntax import tokens
from reasmory.interpreter.trace import Trace
from reasmory.traces.tree import value_text

#: The largest image embedded in a report.
MAX_IMAGE_BYTES = 32 * 1024 * 1024
_IMAGE_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}

_CSS = """
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1100px;color:#1d2430;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2.2rem;border-top:1px solid #dde2ea;padding-top:1rem}
.answer{font-size:1.1rem;margin:.4rem 0}.ok{color:#137333;font-weight:600}.bad{color:#b3261e;font-weight:600}
pre{background:#f6f8fb;border:1px solid #dde2ea;border-radius:6px;padding:.8rem;overflow-x:auto;font:13px/1.5 ui-monospace,Menlo,monospace}
table{border-collapse:collapse;width:100%;margin:.6rem 0}td,th{border-bottom:1px solid #e6e9ef;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f0f3f8;font-weight:600}td.src{font:13px ui-monospace,Menlo,monospace;white-space:pre-wrap}td.ms{text-align:right;color:#5f6b7a}
.warn{color:#8a5a00}.err{color:#b3261e;font-weight:600}.calls{color:#5f6b7a;font-size:13px}
figure{display:inline-block;margin:.5rem 1rem .5rem 0;vertical-align:top}figure img{max-width:480px;border:1px solid #dde2ea;border-radius:4px}
figcaption{font-size:13px;color:#5f6b7a;max-width:480px}
.k-operation{color:#0b57d0;font-weight:600}.k-string{color:#137333}.k-number{color:#9a6700}.k-keyword{color:#8e24aa}
.k-comment{color:#7a8594;font-style:italic}.k-operator{font-weight:600}.k-punctuation{color:#7a8594}
"""


@dataclass
class ReportItem:
    trace: Trace
    expected: str | None = None
    images: list[tuple[str, Path]] | None = None


def _e(text: object) -> str:
    return html.escape(str(text))


def highlighted_html(source: str) -> str:
    return "".join(f'<span class="k-{kind}">{_e(piece)}</span>' if kind != "text" else _e(piece) for kind, piece in tokens(source))


def _image(path: Path, caption: str) -> str:
    try:
        data = read_limited(path, MAX_IMAGE_BYTES, "image")
    except InputError as exc:
        return f'<p class="warn">image not shown: {_e(exc.one_line())}</p>'
    mime = next((m for magic, m in _IMAGE_TYPES.items() if data.startswith(magic)), None)
    if mime is None:
        return f'<p class="warn">image not shown: {_e(path)} is not a PNG or JPEG file</p>'
    encoded = base64.b64encode(data).decode()
    return f'<figure><img alt="{_e(caption)}" src="data:{mime};base64,{encoded}"><figcaption>{_e(caption)}</figcaption></figure>'


def _artifact(path: str, base: Path) -> str:
    """An artifact a trace names, embedded only when it lies inside the trace's own folder (a trace is untrusted)."""
    folder = base.resolve()
    target = (folder / path).resolve()
    if not target.is_relative_to(folder):
        return f'<p class="warn">image not shown: {_e(path)} is outside the trace\'s folder</p>'
    return _image(target, path)


def _steps(trace: Trace, base: Path) -> str:
    rows = []
    for step in trace.steps:
        calls = "".join(f"<div>{_e(c.operation)}(…) → {_e(value_text(c.result))}</div>" for c in step.calls[:-1])
        warnings = "".join(f'<div class="warn">⚠ {_e(w)}</div>' for w in step.warnings)
        images = "".join(_artifact(p, base) for p in step.artifacts)
        rows.append(
            f"<tr><td>{step.index + 1}</td><td class=src>{highlighted_html(step.source.strip())}</td>"
            f"<td>{_e(value_text(step.result))}<div class=calls>{calls}</div>{warnings}{images}</td>"
            f"<td class=ms>{step.duration_ms:.2f} ms</td></tr>"
        )
    head = "<tr><th>#</th><th>statement</th><th>value</th><th>time</th></tr>"
    return f"<table>{head}{''.join(rows)}</table>"


def _verdict(answer: str | None, expected: str) -> str:
    """✓/✗ against the expected answer; numbers count within 10% (benchmarks score them by relative accuracy)."""
    if (answer or "").strip().lower() == expected.strip().lower():
        return f' <span class="ok">✓ matches {_e(expected)}</span>'
    try:
        close = abs(float(answer or "nan") - float(expected)) <= 0.1 * abs(float(expected))
    except ValueError:
        close = False
    if close:
        return f' <span class="ok">✓ within 10% of {_e(expected)}</span>'
    return f' <span class="bad">✗ expected {_e(expected)}</span>'


def _section(number: int, item: ReportItem, base: Path, heading: bool = True) -> str:
    """One trace; `heading` False when the page's title already says what the section would."""
    t = item.trace
    verdict = ""
    if item.expected is not None:
        verdict = _verdict(t.answer, item.expected)
    options = f"<p>options: {_e(' · '.join(t.options))}</p>" if t.options else ""
    error = f'<p class="err">error[{_e(t.error.code)}] {_e(t.error.one_line())}</p>' if t.error else ""
    images = "".join(_image(path, caption) for caption, path in item.images or [])
    title = f"<h2>{number}. {_e(t.question or 'Program')}</h2>" if heading else ""
    return (
        f"{title}{options}"
        f'<p class="answer">answer: <b>{_e(t.answer or "—")}</b>{verdict}</p>{error}'
        f"<pre>{highlighted_html(t.program)}</pre>{_steps(t, base)}{images}"
        f"<p class=calls>generator: {_e(t.generator or 'given program')} · memory {_e(t.memory_id or '-')} · total {t.total_ms:.1f} ms</p>"
    )


def trace_html(items: list[ReportItem], title: str = "Reasmory trace", base: Path = Path("."), intro: str = "") -> str:
    """The whole page; relative artifact paths are read from `base`. A page of one trace titled with its question
    says the question once."""
    single = len(items) == 1 and (items[0].trace.question or "Program") == title
    body = "".join(_section(i + 1, item, base, heading=not single) for i, item in enumerate(items))
    return (
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{_e(title)}</title>"
        f"<meta name=viewport content='width=device-width,initial-scale=1'><style>{_CSS}</style></head>"
        f"<body><h1>{_e(title)}</h1>{intro}{body}</body></html>"
    )
