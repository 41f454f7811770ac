"""Reading a Rerun recording back (rerun.chunk.RrdReader): what each entity holds, and when."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_SKIP = ("rerun.controls.RowId", "log_time")


@dataclass
class Row:
    """One logged row: its time on each timeline (none when static) and its components' values."""

    time: dict[str, int]
    values: dict[str, Any]


@dataclass
class Entity:
    """Everything logged to one entity path, row by row."""

    rows: list[Row] = field(default_factory=list)

    @property
    def static(self) -> bool:
        return all(not row.time for row in self.rows)

    def values(self, column: str) -> list[Any]:
        """The column's value in every row that has it, in the order logged."""
        return [row.values[column] for row in self.rows if column in row.values]

    def at(self, timeline: str, time: int) -> list[dict[str, Any]]:
        """The values of the rows logged at `time` on `timeline`."""
        return [row.values for row in self.rows if row.time.get(timeline) == time]

    def times(self, timeline: str) -> list[int]:
        return sorted(row.time[timeline] for row in self.rows if timeline in row.time)


def read_recording(path: Path) -> dict[str, Entity]:
    """Entity path → Entity, from the one recording store of an .rrd file (its blueprint store is left out)."""
    import pyarrow as pa
    from rerun.chunk import RrdReader

    reader = RrdReader(str(path))
    assert len(reader.recordings()) == 1, reader.recordings()
    entities: dict[str, Entity] = {}
    for chunk in reader.stream().to_chunks():
        batch = chunk.to_record_batch()
        timelines = {name: batch.column(name).cast(pa.int64()).to_pylist() for name in chunk.timeline_names if name not in _SKIP}
        columns = {name: batch.column(name).to_pylist() for name in batch.schema.names
                   if name not in _SKIP and name not in chunk.timeline_names}
        rows = entities.setdefault(str(chunk.entity_path), Entity()).rows
        for i in range(batch.num_rows):
            rows.append(Row({t: v[i] for t, v in timelines.items()}, {c: v[i] for c, v in columns.items() if v[i] is not None}))
    return entities
