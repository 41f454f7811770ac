"""Traces: what a run did, step by step, as JSON readable without the memory.

Values are summarised: objects by id, label and centre; sets by label and
ids; numbers with their unit; views by position and heading.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from reasmory.defaults import new_list
from reasmory.errors import InputError, first_problem
from reasmory.files import read_limited, write_atomic
from reasmory.interpreter.ast import Span
from reasmory.interpreter.errors import Diagnostic
from reasmory.interpreter.values import Image, ObjectSet, Point, View
from reasmory.memory.evidence import Evidence
from reasmory.memory.model import ObjectInstance

TRACE_SCHEMA_VERSION = 1
TRACE_HINT = "give a trace written by `reasmory run --trace` or `reasmory answer --trace`"
#: The largest trace file read (a trace of 64 statements with long replies is a few hundred kB).
MAX_TRACE_BYTES = 64 * 1024 * 1024
_MAX_ITEMS = 20


def _round(v: float) -> float:
    return round(float(v), 4)


def summarize(value: Any, unit: str | None = None) -> dict[str, Any]:
    """A JSON-friendly description of a run-time value."""
    if isinstance(value, bool):
        return {"type": "Bool", "value": value}
    if isinstance(value, (int, float)):
        out: dict[str, Any] = {"type": "Number", "value": _round(value)}
        if unit:
            out["unit"] = unit
        return out
    if isinstance(value, str):
        return {"type": "Text", "value": value}
    if isinstance(value, ObjectInstance):
        return {"type": "Object", "id": value.id, "label": value.label, "center": [_round(c) for c in value.box.center]}
    if isinstance(value, ObjectSet):
        labels = value.labels if value.labels is not None else sorted({o.label for o in value.objects})
        return {"type": "Objects", "label": value.label, "count": len(value), "ids": [o.id for o in value.objects[:_MAX_ITEMS]],
                "labels": list(labels)}
    if isinstance(value, View):
        out = {"type": "View", "origin": value.origin, "position": [_round(c) for c in value.position], "heading_deg": _round(value.heading_deg)}
        if value.frame is not None:
            out["frame"] = value.frame
        return out
    if isinstance(value, Point):
        return {"type": "Point", "xyz": [_round(c) for c in value.xyz]}
    if isinstance(value, Image):
        return {"type": "Image", "path": value.path, "width": value.width, "height": value.height, "caption": value.caption}
    if isinstance(value, tuple):
        return {"type": "List", "items": [summarize(v, unit) for v in value[:_MAX_ITEMS]], "length": len(value)}
    if value is None:
        return {"type": "None"}
    return {"type": type(value).__name__}


def summaries(value: Any) -> Iterator[dict[str, Any]]:
    """Every summarised value inside a summary (lists opened), the summary itself first."""
    if isinstance(value, dict):
        yield value
        for item in value.get("items", ()):
            yield from summaries(item)


#: For the records a run makes itself (`CallRecord`, `TraceStep`, `Trace`): their validators are built when a trace is
#: first read or written (JSON, `model_validate`), not as a run starts, which makes them with `model_construct` from
#: values it has just made, of the declared types (pydantic would only copy them).
_BUILT_ON_FIRST_USE = ConfigDict(defer_build=True)


class CallRecord(BaseModel):
    model_config = _BUILT_ON_FIRST_USE

    operation: str
    span: Span
    args: dict[str, dict[str, Any]]
    result: dict[str, Any]
    duration_ms: float


class TraceStep(BaseModel):
    model_config = _BUILT_ON_FIRST_USE

    index: int
    span: Span
    source: str
    target: str | None = Field(default=None, description="the name assigned, if any")
    operation: str | None = Field(default=None, description="the statement's outermost operation")
    args: dict[str, dict[str, Any]] = Field(default_factory=dict)
    result: dict[str, Any] = Field(default_factory=dict)
    calls: list[CallRecord] = Field(default_factory=new_list, description="every operation call in the statement, innermost first")
    warnings: list[str] = Field(default_factory=new_list)
    duration_ms: float = 0.0
    artifacts: list[str] = Field(default_factory=new_list)

    def touched_objects(self) -> dict[int, dict[str, Any]]:
        """Object id → its summary (or {} when only its id is known) for every object the step's calls used or gave."""
        found: dict[int, dict[str, Any]] = {}
        for call in self.calls:
            for value in (*call.args.values(), call.result):
                for summary in summaries(value):
                    if summary.get("type") == "Object":
                        found[summary["id"]] = summary
                    elif summary.get("type") == "Objects":
                        for object_id in summary.get("ids", ()):
                            found.setdefault(object_id, {})
        return found


class Usage(BaseModel):
    """Model calls and tokens, and what they cost when prices are configured (None: not priced).

    `input_tokens` include the cached ones and `output_tokens` the reasoning ones, as the APIs count them.
    """

    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cached_input_tokens: int = 0
    reasoning_tokens: int = 0
    cost_usd: float | None = None

    def __add__(self, other: Usage) -> Usage:
        costs = [u.cost_usd for u in (self, other) if u.calls]
        return Usage(
            calls=self.calls + other.calls,
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            cached_input_tokens=self.cached_input_tokens + other.cached_input_tokens,
            reasoning_tokens=self.reasoning_tokens + other.reasoning_tokens,
            cost_usd=None if not costs or None in costs else sum(c for c in costs if c is not None),
        )

    @classmethod
    def total(cls, usages: Iterable[Usage]) -> Usage:
        return sum(usages, cls())

    def line(self) -> str:
        """"2 model calls, 3,104 tokens in (1,024 cached), 212 out, $0.0012" (no cost without prices)."""
        cached = f" ({self.cached_input_tokens:,} cached)" if self.cached_input_tokens else ""
        cost = "" if self.cost_usd is None else f", ${self.cost_usd:.4f}"
        calls = "1 model call" if self.calls == 1 else f"{self.calls} model calls"
        return f"{calls}, {self.input_tokens:,} tokens in{cached}, {self.output_tokens:,} out{cost}"


#: Whether a reply was decoded under the grammar: true only when known (our own decoder, vLLM, an OpenAI grammar tool).
Constrained = bool | Literal["sent, not confirmed"]


class Reading(BaseModel):
    """How the offline reader read a question: the words that chose the operation, the names, the unit."""

    model_config = ConfigDict(defer_build=True)  # `reasmory answer`'s: a run's start-up does not build its validator

    operation: str = Field(description="what the question asks: count, distance, closest, direction, … or decline / not understood")
    cues: list[str] = Field(default_factory=new_list, description="the words that chose the operation")
    names: list[str] = Field(default_factory=new_list, description="each object name and the memory label(s) it resolved to, and how")
    unit: str | None = Field(default=None, description="the unit of a numeric answer")
    notes: list[str] = Field(default_factory=new_list, description="corrections, absent categories, conventions used")
    unsure: bool = Field(default=False, description="a name was resolved by a near-synonym or a spelling")
    declined: str | None = Field(default=None, description="why the question was not answered")
    examples: list[str] = Field(default_factory=new_list, description="wordings the reader understands, closest first")

    def lines(self) -> list[str]:
        """The reading as short lines for a terminal."""
        out = [f"read as: {self.operation}" + (f" (cue: {', '.join(repr(c) for c in self.cues)})" if self.cues else "")]
        out += [f"name: {n}" for n in self.names]
        if self.unit:
            out.append(f"unit: {self.unit}")
        out += [f"note: {n}" for n in self.notes]
        if self.declined:
            out.append(f"declined: {self.declined}")
        out += [f"try: {e}" for e in self.examples]
        return out


class Attempt(BaseModel):
    """One try at producing or using a program: compiling, asking the VLM, a repair, the fallback, the reasoner, or grounding labels on demand."""

    model_config = ConfigDict(defer_build=True)  # `reasmory answer`'s: a run's start-up does not build its validator

    index: int
    kind: Literal["compile", "generate", "repair", "fallback", "reason", "ground"]
    generator: str = Field(description="compiler, vlm:<model> or fallback")
    program: str | None = None
    reply: str | None = Field(default=None, description="the model's raw reply")
    diagnostics: list[Diagnostic] = Field(default_factory=new_list, description="why the program was refused")
    error: str | None = None
    constrained: Constrained = Field(default=False, description=(
        "true: the reply was decoded under the language's grammar; 'sent, not confirmed': the grammar went to a server "
        "that may ignore it"))
    usage: Usage = Field(default_factory=Usage, description="model calls, tokens and cost of this attempt")
    ok: bool = False
    answer: str | None = None
    images: list[str] = Field(default_factory=new_list, description="images shown to the model")
    reading: Reading | None = Field(default=None, description="how the offline reader read the question")
    duration_ms: float = 0.0


class Trace(BaseModel):
    model_config = _BUILT_ON_FIRST_USE

    schema_version: int = TRACE_SCHEMA_VERSION
    program: str
    memory_id: str | None = None
    memory_summary: dict[str, Any] = Field(default_factory=dict)
    question: str | None = None
    options: list[str] = Field(default_factory=new_list)
    steps: list[TraceStep] = Field(default_factory=new_list)
    answer: str | None = None
    answer_value: dict[str, Any] | None = None
    error: Diagnostic | None = None
    total_ms: float = 0.0
    preparation_ms: float = Field(default=0.0, description="one-time preparation within total_ms, not counted against the time budget")
    created: str = Field(default_factory=lambda: _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"))
    generator: str | None = None
    attempts: list[Attempt] = Field(default_factory=new_list, description="how the program was obtained, every try in order")
    usage: Usage = Field(default_factory=Usage, description="model calls, tokens and cost of every attempt together")
    reading: Reading | None = Field(default=None, description="how the offline reader read the question")
    evidence: Evidence | None = Field(default=None, description="what the answer rests on: the objects it used, the scale, the reconstruction")

    def object_ids(self) -> list[int]:
        """Ids of every object a step's calls took or gave, in order of first use."""
        return list(dict.fromkeys(i for step in self.steps for i in step.touched_objects()))

    def save(self, path: str | Path) -> Path:
        """Write atomically; artifacts inside the trace's folder are written relative to it, so the folder can move."""
        path = Path(path)
        text = self.relative_to(path.absolute().parent).model_dump_json(indent=2)
        return write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"), "the trace")

    def relative_to(self, folder: Path) -> Trace:
        """A copy whose artifact and image paths under `folder` are relative to it."""
        copy = self.model_copy(deep=True)
        for step in copy.steps:
            step.artifacts = [_relative(p, folder) for p in step.artifacts]
            for part in (step.args, step.result, *(c.args for c in step.calls), *(c.result for c in step.calls)):
                _relative_images(part, folder)
        for attempt in copy.attempts:
            attempt.images = [_relative(p, folder) for p in attempt.images]
        _relative_images(copy.answer_value, folder)
        return copy

    @classmethod
    def load(cls, path: str | Path) -> Trace:
        path = Path(path)
        data = read_limited(path, MAX_TRACE_BYTES, "trace file", hint=TRACE_HINT)
        try:
            return cls.model_validate_json(data)
        except ValidationError as exc:
            where, what = first_problem(exc)
            raise InputError(f"'{path}' is not a valid Reasmory trace: {where}: {what}", hint=TRACE_HINT) from None
        except (ValueError, RecursionError) as exc:  # json.JSONDecodeError is a ValueError
            raise InputError(f"'{path}' is not a valid Reasmory trace: {str(exc).splitlines()[0]}", hint=TRACE_HINT) from None


def _relative(path: str, folder: Path) -> str:
    """`path` (relative paths are to the current folder, where the run wrote them) relative to `folder` when it lies
    inside it, else unchanged."""
    p = Path(path).absolute()
    if p.is_relative_to(folder):
        return p.relative_to(folder).as_posix()
    return path


def _relative_images(value: Any, folder: Path) -> None:
    """Rewrite, in place, the paths of Image summaries found anywhere in `value`."""
    if isinstance(value, dict):
        if value.get("type") == "Image" and isinstance(value.get("path"), str):
            value["path"] = _relative(value["path"], folder)
        for item in value.values():
            _relative_images(item, folder)
    elif isinstance(value, list):
        for item in value:
            _relative_images(item, folder)
