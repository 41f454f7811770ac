"""`reasmory batch` records the model calls, tokens and cost of each answer (and of answers that fail), and sums them."""

from __future__ import annotations

from pathlib import Path

import pytest

from reasmory.answering import Settings
from reasmory.answering.clients import servers
from reasmory.batch import Item
from reasmory.batch.answer_job import AnswerJob, task_table, usage_of
from tests.answering.conftest import Reply, ScriptedServer

FREE = "Is the lamp closer to the sofa than to the door?"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    import os

    for name in list(os.environ):
        if name.startswith("REASMORY_") and name != "REASMORY_SHARED":
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    servers.forget()
    srv = ScriptedServer()
    yield srv
    srv.close()


def test_answers_and_failures_carry_their_usage(server: ScriptedServer, tmp_path: Path, example_scene: Path) -> None:
    from reasmory.memory.oracle import from_scene

    memory = from_scene(example_scene)
    settings = Settings.load(vlm_base_url=server.url, vlm_model="m", vlm_backoff=0.01, vlm_retries=0, max_repairs=0,
                             vlm_input_price=1.0, vlm_output_price=10.0, cache_dir=tmp_path / "cache", generator="vlm")
    job = AnswerJob(settings=settings.model_dump(exclude={"config"}))
    good = 'answer(distance(object("lamp"), object("sofa")) < distance(object("lamp"), object("door")))'
    server.script(Reply(text=good, usage=(1000, 20)), Reply(text='answer(object("unicorn"))', usage=(900, 10)))
    payload = {"source": "x", "question": FREE, "options": [], "question_type": "free", "ground_truth": "yes"}
    answered = job.answer(Item(key="a", group="x", payload=payload), memory)
    failed = job.answer(Item(key="b", group="x", payload={**payload, "question": "Is there a unicorn here?"}), memory)
    assert answered["status"] == "answered" and answered["usage"]["calls"] == 1 and answered["usage"]["input_tokens"] == 1000
    assert answered["usage"]["cost_usd"] == pytest.approx((1000 * 1.0 + 20 * 10.0) / 1e6)
    assert failed["status"] == "error" and failed["usage"]["calls"] == 1 and failed["usage"]["output_tokens"] == 10
    total = usage_of([answered, failed, {"status": "answered"}])  # a line from before usage was counted adds nothing
    assert (total.calls, total.input_tokens, total.output_tokens) == (2, 1900, 30)
    rows, _ = task_table([answered, failed])
    assert rows[-1][5:] == [2, 1900, 30, f"{total.cost_usd:.4f}"]
