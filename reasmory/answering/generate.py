"""Programs for a question: the offline compiler first, else the VLM with a bounded repair loop, else the fallback.

Every try is recorded as an `Attempt` (what was asked, what came back, why it
was refused), and every program goes through the same parse → check → run as
a hand-written one. A program that fails to run is repaired like one that
fails its checks: both give structured diagnostics.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from reasmory.answering.clients.base import Message, VLMClient
from reasmory.answering.fallback import fallback_program
from reasmory.answering.prompt import program_messages, repair_messages
from reasmory.answering.settings import Settings
from reasmory.compiler import VLM_HINT, CompiledQuestion, DeclinedQuestion, UnsupportedQuestion, compile_question
from reasmory.errors import ReasmoryError
from reasmory.interpreter import LanguageError, RunResult
from reasmory.interpreter.trace import Attempt, Constrained, Reading, Usage
from reasmory.memory import SpatialMemory

Runner = Callable[[str, SpatialMemory], RunResult]
Grounder = Callable[[SpatialMemory, list[str], int], tuple[SpatialMemory, Attempt]]
Refusal = tuple[str, LanguageError]  # a refused program and why
Kind = Literal["compile", "generate", "repair", "fallback"]
_FENCE = re.compile(r"```[A-Za-z0-9_-]*[ \t]*\n(.*?)```", re.DOTALL)


@dataclass(frozen=True)
class Outcome:
    """A program that ran, who wrote it, and its run."""

    program: str
    generator: str
    result: RunResult


@dataclass
class Search:
    """One question's search for a program that checks and runs."""

    question: str
    options: Sequence[str] | None
    memory: SpatialMemory
    settings: Settings
    client: VLMClient | None
    runner: Runner
    grounder: Grounder | None = None
    attempts: list[Attempt] = field(default_factory=list)

    def run(self) -> Outcome:
        """The first program that runs; raises the last refusal when none does and nothing else may answer."""
        refused: Refusal | None = None
        if self.settings.generator != "vlm":
            outcome, refused = self._from_compiler()
            if outcome is not None:
                return outcome
        if self.client is None:
            raise UnsupportedQuestion("no VLM is configured to write a program for this question", hint=VLM_HINT)
        outcome = self._from_vlm(self.client, refused)
        if outcome is not None:
            return outcome
        outcome, refused = self._try(fallback_program(self.question, self.memory), "fallback", "fallback")
        if outcome is None:
            raise refused[1]
        return outcome

    def _from_compiler(self) -> tuple[Outcome | None, Refusal | None]:
        """The compiled program's outcome, or its refusal to hand to the VLM; raises when nothing else may answer."""
        start = time.perf_counter()
        try:
            compiled = self._compile()
        except UnsupportedQuestion as exc:
            if self.settings.generator == "compiler" or self.client is None or isinstance(exc, DeclinedQuestion):
                self.attempts.append(Attempt(index=len(self.attempts), kind="compile", generator="compiler", error=exc.one_line(),
                                             reading=exc.reading, duration_ms=(time.perf_counter() - start) * 1000))
                raise
            return None, None
        outcome, refused = self._try(compiled.source, "compile", "compiler", start=start, reading=compiled.reading)
        if refused is not None and (self.settings.generator == "compiler" or self.client is None):
            raise refused[1]
        return outcome, refused

    def _compile(self) -> CompiledQuestion:
        """The reader's program; with a detector, names the memory lacks stay in it, to be grounded when it is checked."""
        return compile_question(self.question, self.memory, self.options, ground=self.grounder is not None)

    def _from_vlm(self, client: VLMClient, refused: Refusal | None) -> Outcome | None:
        """Ask, then send refusals back at most `max_repairs` times; None when every program was refused."""
        messages: list[Message] = program_messages(self.question, self.options, self.memory, open_labels=self.grounder is not None)
        from reasmory.answering.grammar import decoding_grammar  # Lark: only when a VLM writes the program

        grammar = None if self.settings.grammar == "off" else decoding_grammar()
        repairs = self.settings.max_repairs
        if refused is not None:
            if repairs == 0:
                return None
            messages += repair_messages(refused[0], refused[1].diagnostics)
            repairs -= 1
        for i in range(repairs + 1):
            start = time.perf_counter()
            kind: Kind = "generate" if i == 0 and refused is None else "repair"
            try:
                completion = client.complete(messages, grammar)
            except ReasmoryError as exc:
                self.attempts.append(Attempt(index=len(self.attempts), kind=kind, generator=client.name, error=exc.one_line(),
                                             duration_ms=(time.perf_counter() - start) * 1000))
                raise
            source = extract_program(completion.text)
            outcome, refusal = self._try(source, kind, client.name, reply=completion.text, constrained=completion.constrained,
                                         usage=completion.usage, start=start)
            if refusal is None:
                return outcome
            messages += repair_messages(refusal[0], refusal[1].diagnostics)
        return None

    def _try(self, source: str, kind: Kind, generator: str, *, reply: str | None = None, constrained: Constrained = False,
             usage: Usage | None = None, start: float | None = None,
             reading: Reading | None = None) -> tuple[Outcome, None] | tuple[None, Refusal]:
        """Run one program, recording the attempt; (outcome, None) or (None, (source, error))."""
        start = time.perf_counter() if start is None else start
        attempt = Attempt(index=len(self.attempts), kind=kind, generator=generator, program=source, reply=reply, constrained=constrained,
                          usage=usage or Usage(), reading=reading)
        self.attempts.append(attempt)
        try:
            result = self.runner(source, self.memory)
        except LanguageError as exc:
            attempt.diagnostics = list(exc.diagnostics)
            attempt.error = str(exc)
            attempt.duration_ms = (time.perf_counter() - start) * 1000
            if self._ground_missing(exc):
                return self._try(source, kind, generator, reply=reply, constrained=constrained)
            return None, (source, exc)
        attempt.duration_ms = (time.perf_counter() - start) * 1000
        attempt.ok, attempt.answer = True, result.answer
        return Outcome(source, generator, result), None

    def _ground_missing(self, refusal: LanguageError) -> bool:
        """Ground the labels the memory lacks (when a grounder is set); True when any was found, so the program runs again."""
        missing = list(dict.fromkeys(d.subject for d in refusal.diagnostics if d.code == "unknown-label" and d.subject))
        if self.grounder is None or not missing:
            return False
        self.memory, attempt = self.grounder(self.memory, missing, len(self.attempts))
        self.attempts.append(attempt)
        return attempt.ok


def extract_program(reply: str) -> str:
    """The program in a reply: the first fenced block when the model used one, else the whole reply."""
    fenced = _FENCE.search(reply)
    return (fenced.group(1) if fenced else reply).strip() + "\n"
