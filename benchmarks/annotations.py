"""The Reasmory paper's evaluation files, read as they are: entries, formats, and where each entry's media lies.

The paper's repository (KaKituken/Reasmory, `evaluation/annotation/*.json`) ships
VSI-Bench-tiny (400 questions about videos), MindCube-tiny (150 questions about
2–4 photos each) and VLM4D (2 × 50 questions about videos). Each file is a JSON
list of entries:

    {"problem_id": 2, "problem": "How many table(s) are in this room?", "data_type": "video",
     "problem_type": "regression", "original_question_type": "object_counting", "options": null,
     "process": "", "solution": "<answer>2</answer>", "path": "/ssd3/…/VSIBench/arkitscenes/41069043.mp4",
     "data_source": ""}

`path` is one video (an absolute path on the authors' machine) or a list of
image paths relative to the paper's repository (links there into the MindCube
dataset on the authors' storage). Media are looked for under the folders the user
gives (`--media DIR`, repeatable): the longest tail of the path that exists under
one of them wins, so DIR may be any ancestor of the files (the data root, the
repository, or the folder holding them), and a link whose target is missing is
followed the same way (the repository's MindCube links find the photos in a copy of
the MindCube dataset given as another DIR).

Each entry's memory comes, first match wins, from: the VSI-Bench boxes when a
`meta_info` folder is given (vsi-tiny only: the oracle upper bound); a `.rmem`
file beside the media (`41069043.rmem` beside `41069043.mp4`; for photos, named
after the first one); or a build of the media (the configured backend and
detector, cached).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from reasmory.errors import InputError, first_problem

Format = Literal["vsi-tiny", "mindcube-tiny", "vlm4d"]
FORMATS: tuple[Format, ...] = ("vsi-tiny", "mindcube-tiny", "vlm4d")
_HINT = "give one of the paper's evaluation/annotation/*.json files (or one in the same format)"


class Entry(BaseModel):
    """One question as the paper's files hold it (fields they carry that we do not use are kept)."""

    model_config = ConfigDict(extra="allow")

    problem_id: int
    problem: str
    data_type: Literal["video", "image"]
    problem_type: str
    original_question_type: str
    options: list[str] | None = None
    solution: str
    path: str | list[str]
    data_source: str = ""
    process: str = ""

    @property
    def photos(self) -> list[str]:
        return self.path if isinstance(self.path, list) else [self.path]


@dataclass(frozen=True)
class Expect:
    """What a format's entries look like, to refuse a file given under the wrong --format."""

    data_type: str
    categories: frozenset[str] | None  # None: any
    photo_list: bool


EXPECT: dict[Format, Expect] = {
    "vsi-tiny": Expect("video", frozenset({
        "object_counting", "object_size_estimation", "room_size_estimation", "object_abs_distance", "object_rel_distance",
        "object_rel_direction_easy", "object_rel_direction_medium", "object_rel_direction_hard", "obj_appearance_order",
        "route_planning"}), False),
    "mindcube-tiny": Expect("image", None, True),
    "vlm4d": Expect("video", frozenset({"vlm4d_ego", "vlm4d_allo"}), False),
}


def load_entries(path: Path, fmt: Format) -> list[Entry]:
    """The file's entries; InputError naming the entry for a malformed one, or the format a mismatched file has."""
    if not path.is_file():
        raise InputError(f"no annotation file at '{path}'", hint=_HINT)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"'{path}' is not JSON: {exc}", hint=_HINT) from None
    if not isinstance(data, list) or not data:
        raise InputError(f"'{path}' holds no list of questions", hint=_HINT)
    try:
        entries = TypeAdapter(list[Entry]).validate_python(data)
    except ValidationError as exc:
        where, what = first_problem(exc)
        raise InputError(f"'{path}': entry {where}: {what}", hint=_HINT) from None
    for i, entry in enumerate(entries):
        problem = _mismatch(entry, EXPECT[fmt])
        if problem:
            raise InputError(f"'{path}' entry {i} (problem_id {entry.problem_id}) is not a {fmt} question: {problem}",
                             hint=f"check --format ({', '.join(FORMATS)})")
    return entries


def _mismatch(entry: Entry, expect: Expect) -> str | None:
    if entry.data_type != expect.data_type:
        return f"its data_type is {entry.data_type}, not {expect.data_type}"
    if isinstance(entry.path, list) != expect.photo_list:
        return "its path is a list of photos" if isinstance(entry.path, list) else "its path is one file, not a list of photos"
    if expect.categories is not None and entry.original_question_type not in expect.categories:
        return f"its question type '{entry.original_question_type}' is not one of this benchmark's"
    return None


def find_media(path: str, roots: Sequence[Path], follow: bool = True) -> Path | None:
    """The file `path` names: its longest tail that exists under one of `roots` (None when none does).

    A link there whose target is missing (the paper's MindCube photos are links into the MindCube dataset on the
    authors' storage) is followed: its target is looked for under the roots the same way.
    """
    parts = [p for p in PurePosixPath(path.replace("\\", "/")).parts if p not in ("/", "..", ".")]
    for start in range(len(parts)):
        for root in roots:
            candidate = root.joinpath(*parts[start:])
            if candidate.is_file():
                return candidate
            if follow and candidate.is_symlink():
                found = find_media(os.readlink(candidate), roots, follow=False)
                if found is not None:
                    return found
    return None


def memory_key(entry: Entry, fmt: Format, media: Sequence[Path], meta_dir: Path | None) -> tuple[str | None, str | None]:
    """(the key of the entry's memory, None) or (None, why it cannot have one); see the module docstring."""
    if meta_dir is not None and fmt == "vsi-tiny":
        video = PurePosixPath(str(entry.path))
        return f"oracle:{video.parent.name}/{video.stem}", None
    if not media:
        return None, "no media folder given"
    found = [find_media(p, media) for p in entry.photos]
    missing = [p for p, f in zip(entry.photos, found) if f is None]
    if missing:
        where = ", ".join(str(m) for m in media)
        return None, f"media not found under {where}: {missing[0]}" + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else "")
    files = [f for f in found if f is not None]
    beside = files[0].with_suffix(".rmem")
    if beside.is_file():
        return f"rmem:{beside}", None
    return ("video:" + str(files[0])) if entry.data_type == "video" else ("photos:" + json.dumps([str(f) for f in files])), None
