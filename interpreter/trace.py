"""Traces: what a run did, step by step, as JSON readable without the memory.

Values are summarised: objects by id, label and centre; sets by label and
ids; numbers with their unit; views by position and heading.
"""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from reasmory.errors import InputError
from reasmory.interpreter.ast import Span
from reasmory.interpreter.errors import Diagnostic
from reasmory.interpreter.values import Image, ObjectSet, Point, View
from reasmory.memory.model import ObjectInstance

TRACE_SCHEMA_VERSION = 1
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
        return {"type": "Objects", "label": value.label, "count": len(value), "ids": [o.id for o in value.objects[:_MAX_ITEMS]],
                "labels": sorted({o.label for o in value.objects})}
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


class CallRecord(BaseModel):
    operation: str
    span: Span
    args: dict[str, dict[str, Any]]
    result: dict[str, Any]
    duration_ms: float


class TraceStep(BaseModel):
    index: int
    span: Span
    source: str
    target: str | None = Field(default=None, description="the name assigned, if any")
    operation: str | None = Field(default=None, description="the statement's outermost operation")
    args: dict[str, dict[str, Any]] = Field(default_factory=dict)
    result: dict[str, Any] = Field(default_factory=dict)
    calls: list[CallRecord] = Field(default_factory=list, description="every operation call in the statement, innermost first")
    warnings: list[str] = Field(default_factory=list)
    duration_ms: float = 0.0
    artifacts: list[str] = Field(default_factory=list)


class Trace(BaseModel):
    schema_version: int = TRACE_SCHEMA_VERSION
    program: str
    memory_id: str | None = None
    memory_summary: dict[str, Any] = Field(default_factory=dict)
    question: str | None = None
    options: list[str] = Field(default_factory=list)
    steps: list[TraceStep] = Field(default_factory=list)
    answer: str | None = None
    answer_value: dict[str, Any] | None = None
    error: Diagnostic | None = None
    total_ms: float = 0.0
    created: str = Field(default_factory=lambda: _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"))
    generator: str | None = None

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(self.model_dump_json(indent=2), encoding="utf-8")
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, path: str | Path) -> Trace:
        path = Path(path)
        if not path.is_file():
            raise InputError(f"no trace file at '{path}'", hint="check the path")
        try:
            return cls.model_validate_json(path.read_bytes())
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"]) or "top level"
            raise InputError(f"'{path}' is not a valid Reasmory trace: {where}: {err['msg']}") from None
        except (ValueError, json.JSONDecodeError) as exc:
            raise InputError(f"'{path}' is not a valid Reasmory trace: {exc}") from None
