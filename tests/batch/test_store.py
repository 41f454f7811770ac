"""Results stores, item keys and the local executor: what a re-run skips, what a failure records."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from reasmory.batch import BatchError, Failure, Item, LocalExecutor, ResultStore, group_items, item_key, make_executor, run_items
from reasmory.errors import InputError, ReasmoryError


class CountingJob:
    """Memories are stand-ins; 'bad' groups cannot be built, questions starting with 'raise' fail."""

    gpus_per_build = 0.0

    def __init__(self) -> None:
        self.built: list[str] = []
        self.answered: list[str] = []

    def build(self, group: str) -> Any:
        if group == "bad":
            raise InputError("no such scene", hint="check it")
        self.built.append(group)
        return {"scene": group}

    def answer(self, item: Item, memory: Any) -> dict[str, Any]:
        if item.payload["q"].startswith("raise"):
            raise ReasmoryError("cannot answer")
        self.answered.append(item.key)
        return {"answer": f"{memory['scene']}:{item.payload['q']}", "status": "answered"}

    def failed(self, item: Item, failure: Failure) -> dict[str, Any] | None:
        return {"answer": None, "status": "error", "error": failure.one_line()}


def items(*pairs: tuple[str, str]) -> list[Item]:
    return [Item(key=item_key(g, q), group=g, payload={"q": q}) for g, q in pairs]


def test_keys_depend_on_everything_that_changes_an_answer() -> None:
    base = item_key("/s", "how far?", ["A. 1", "B. 2"], memory="oracle")
    assert base == item_key("/s", "how far?", ["A. 1", "B. 2"], memory="oracle")
    assert len({base, item_key("/t", "how far?", ["A. 1", "B. 2"], memory="oracle"), item_key("/s", "how near?", ["A. 1", "B. 2"], memory="oracle"),
                item_key("/s", "how far?", ["A. 1"], memory="oracle"), item_key("/s", "how far?", ["A. 1", "B. 2"], memory="rgbd")}) == 5


def test_groups_keep_first_appearance_order_and_drop_repeated_keys() -> None:
    grouped = group_items(items(("b", "1"), ("a", "2"), ("b", "3"), ("b", "1")))
    assert [(g, [i.payload["q"] for i in its]) for g, its in grouped] == [("b", ["1", "3"]), ("a", ["2"])]


def test_store_appends_lines_and_drops_a_torn_last_line(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    with ResultStore(path) as store:
        store.add("k1", {"answer": "A"})
        store.add("k2", {"answer": "B"})
    with path.open("ab") as fh:
        fh.write(b'{"key": "k3", "res')  # killed mid-line
    store = ResultStore(path)
    assert set(store.results) == {"k1", "k2"}
    store.add("k3", {"answer": "C"})
    store.close()
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [line["key"] for line in lines] == ["k1", "k2", "k3"]


def test_store_refuses_a_file_that_is_not_results(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text('{"key": "k1", "result": {}}\nhello\n')
    with pytest.raises(InputError, match=r"r\.jsonl:2: not a result line"):
        ResultStore(path)


def test_local_rerun_does_only_the_missing_items(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    todo = items(("s1", "a"), ("s1", "b"), ("s2", "c"), ("s3", "d"))
    with ResultStore(path) as store:  # a first run that stopped after two items
        for item in todo[:2]:
            store.add(item.key, {"answer": "earlier", "status": "answered"})
    job = CountingJob()
    with ResultStore(path) as store:
        run = run_items(job, todo, LocalExecutor(), store)
    assert job.built == ["s2", "s3"] and len(job.answered) == 2
    assert (run.resumed, run.done, run.built) == (2, 2, 2)
    assert [r["answer"] for r in run.results] == ["earlier", "earlier", "s2:c", "s3:d"]
    assert len(path.read_text().splitlines()) == 4


def test_failures_become_results_or_stop_the_run(tmp_path: Path) -> None:
    job = CountingJob()
    with ResultStore(None) as store:
        run = run_items(job, items(("bad", "a"), ("s", "raise it"), ("s", "b")), LocalExecutor(), store)
    assert [r["status"] for r in run.results] == ["error", "error", "answered"]
    assert run.results[0]["error"] == "no such scene (check it)"

    class Strict(CountingJob):
        def failed(self, item: Item, failure: Failure) -> dict[str, Any] | None:
            return None

    with pytest.raises(ReasmoryError, match="no such scene"), ResultStore(None) as store:
        run_items(Strict(), items(("bad", "a")), LocalExecutor(), store)


def test_redo_reruns_the_items_it_rejects(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    todo = items(("s", "a"), ("s", "b"))
    with ResultStore(path) as store:
        store.add(todo[0].key, {"status": "error"})
        store.add(todo[1].key, {"status": "answered", "answer": "kept"})
    job = CountingJob()
    with ResultStore(path) as store:
        run = run_items(job, todo, LocalExecutor(), store, redo=lambda r: r["status"] == "error")
    assert [r["answer"] for r in run.results] == ["s:a", "kept"] and run.done == 1


def test_internal_failures_stop_the_run_with_one_line() -> None:
    failure = Failure.of(KeyError("x"))
    assert failure.internal and isinstance(failure.error(), BatchError) and "KeyError" in failure.one_line()


def test_missing_ray_is_one_line_naming_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(InputError, match="not installed") as caught, make_executor("ray"):
        pass
    assert "pip install 'reasmory[ray]'" in caught.value.one_line()
    with pytest.raises(InputError, match="unknown executor"):
        make_executor("dask")
