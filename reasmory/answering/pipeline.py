"""`answer(source, question)`: memory, program, run, and a look at the pictures when the answer is one.

    import reasmory
    result = reasmory.answer("scene.rmem", "How many chairs are in this room?")
    result.answer, result.program, result.generator     # '2', 'answer(count(objects("chairs")))\n', 'compiler'
    result.trace.save("trace.json")                    # steps, and every attempt at a program
    result.usage                                        # model calls, tokens and cost (when prices are set)
    result.evidence.weak()                              # e.g. ['scale from the eye-height prior: … off by ±20%']

Errors are ReasmoryErrors with one-line messages; those raised after programs
were tried carry them as `.attempts` (the CLI writes them with `--trace`).
"""

from __future__ import annotations

import datetime as _dt
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reasmory.answering.clients import VLMClient, make_client
from reasmory.answering.detection import OnDemand, configured_detector
from reasmory.answering.generate import Grounder, Outcome, Search
from reasmory.answering.reasoner import image_parts, images_of, reason
from reasmory.answering.settings import Settings
from reasmory.answering.sources import Source, load_or_build_memory
from reasmory.compiler import VLM_HINT, UnsupportedQuestion
from reasmory.errors import InputError, ReasmoryError
from reasmory.interpreter import RunResult, Sandbox
from reasmory.interpreter.sandbox import prepare as prepare_sandbox
from reasmory.interpreter.trace import Attempt, Trace, Usage
from reasmory.memory import SpatialMemory
from reasmory.memory.evidence import Evidence, evidence
from reasmory.memory.reconstruction.cache import MemoryCache

if TYPE_CHECKING:
    from reasmory.memory.grounding.on_demand import PromptedDetector


@dataclass(frozen=True)
class Answer:
    """The answer with everything that produced it; `evidence` says what it rests on (objects, scale, reconstruction)."""

    answer: str | None
    program: str
    trace: Trace
    memory: SpatialMemory
    generator: str
    value: Any = None
    usage: Usage = field(default_factory=Usage)

    @property
    def evidence(self) -> Evidence:
        """The objects the program used (frames seen, views, completed share), the scale's source and spread, and the
        reconstruction's warnings; `.weak()` lists what is weak, one line each."""
        return self.trace.evidence or evidence(self.memory, self.trace.object_ids())


def answer(
    source: Source,
    question: str,
    options: Sequence[str] | None = None,
    *,
    client: VLMClient | None = None,
    grounder: PromptedDetector | None = None,
    artifacts_dir: str | Path | None = None,
    **settings: Any,
) -> Answer:
    """Answer a question about a memory, a `.rmem`, a scene folder, a video or images.

    `settings` override the config file and `REASMORY_*` variables (see `Settings`);
    `client` replaces the configured VLM (e.g. a loaded local model), `grounder`
    the configured detector (anything with `name` and `with_labels(labels)`).
    """
    _check_question(question)
    prepare_sandbox()  # the run server boots while the memory loads
    config = Settings.load(**settings)
    detector = grounder if grounder is not None else configured_detector(config)
    memory = load_or_build_memory(source, config, detector)
    on_demand = None
    if detector is not None and config.ground_on_demand:
        on_demand = OnDemand(detector, config.ground_frames, MemoryCache(config.cache_dir).entry_for(memory))
    vlm = client if client is not None else make_client(config)
    try:
        return _answer(memory, question, list(options or []), config, vlm, artifacts_dir, on_demand)
    finally:
        if client is None and vlm is not None and hasattr(vlm, "close"):
            vlm.close()


def _check_question(question: str) -> None:
    """Bad input, found before any memory is loaded or built: an empty question, or text that is not UTF-8."""
    if not question.strip():
        raise InputError("the question is empty", hint="ask a question about the scene, in quotes")
    try:
        question.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError("the question is not UTF-8 text", hint="set a UTF-8 locale in your terminal, or re-type the question") from None


def _answer(memory: SpatialMemory, question: str, options: list[str], config: Settings, vlm: VLMClient | None,
            artifacts_dir: str | Path | None, grounder: Grounder | None) -> Answer:
    artifacts = Path(artifacts_dir) if artifacts_dir else config.cache_dir / "runs" / _dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    sandbox = _sandbox()

    def runner(program: str, memory: SpatialMemory) -> RunResult:
        """Every program runs in a worker that is killed at its deadline and capped in memory (interpreter/sandbox.py)."""
        return sandbox.run(program, memory, options, artifacts_dir=artifacts, question=question)

    search = Search(question, options, memory, config, vlm, runner, grounder)
    try:
        outcome = search.run()
        final, value = _final_answer(outcome, question, options, vlm, search.attempts)
    except ReasmoryError as exc:
        exc.attempts = list(search.attempts)  # type: ignore[attr-defined]
        raise
    trace = outcome.result.trace
    trace.generator, trace.attempts, trace.answer = outcome.generator, list(search.attempts), final
    trace.usage = Usage.total(a.usage for a in search.attempts)
    trace.reading = next((a.reading for a in search.attempts if a.reading is not None), None)
    return Answer(final, outcome.program, trace, search.memory, outcome.generator, value, trace.usage)


_SANDBOXES = threading.local()


def _sandbox() -> Sandbox:
    """This thread's sandbox, kept between questions: a batch's questions about one memory share its worker."""
    if not hasattr(_SANDBOXES, "sandbox"):
        _SANDBOXES.sandbox = Sandbox()
    return _SANDBOXES.sandbox


def _final_answer(outcome: Outcome, question: str, options: list[str], client: VLMClient | None,
                  attempts: list[Attempt]) -> tuple[str | None, Any]:
    """The program's answer, or, when it answered with pictures, the VLM's reading of them."""
    value = outcome.result.value
    images = images_of(value)
    if images is None:
        return outcome.result.answer, value
    if client is None:
        raise UnsupportedQuestion("the program answers with pictures, and no VLM is configured to look at them", hint=VLM_HINT)
    parts = image_parts(images)
    start = time.perf_counter()
    attempt = Attempt(index=len(attempts), kind="reason", generator=client.name, program=outcome.program,
                      images=[str(p.path) for p in parts])
    attempts.append(attempt)
    try:
        final, completion = reason(client, question, options, outcome.program, parts)
        attempt.reply, attempt.usage = completion.text, completion.usage
    except ReasmoryError as exc:
        attempt.error = exc.one_line()
        raise
    attempt.ok, attempt.answer, attempt.duration_ms = True, final, (time.perf_counter() - start) * 1000
    return final, value
