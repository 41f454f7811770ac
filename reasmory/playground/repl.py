"""The terminal side of the playground: prompt_toolkit input (highlighting, completion, history) and rich output."""

from __future__ import annotations

import os
from pathlib import Path

from prompt_toolkit import PromptSession
from prompt_toolkit.completion import Completer, Completion
from prompt_toolkit.document import Document
from prompt_toolkit.history import FileHistory
from prompt_toolkit.key_binding import KeyBindings
from prompt_toolkit.lexers import Lexer
from rich.console import Console

from reasmory.interpreter.errors import highlight
from reasmory.interpreter.syntax import tokens
from reasmory.playground.commands import COMMANDS
from reasmory.playground.completion import CompletionState, suggest
from reasmory.playground.session import Outcome, PlaygroundSession
from reasmory.terminal import escape
from reasmory.traces import value_text

_STYLES = {"operation": "ansicyan bold", "name": "", "keyword": "ansimagenta", "string": "ansigreen", "number": "ansiyellow",
           "comment": "ansibrightblack italic", "operator": "bold", "punctuation": "ansibrightblack", "text": ""}


class DslLexer(Lexer):
    def lex_document(self, document: Document):  # type: ignore[override]
        lines: list[list[tuple[str, str]]] = [[]]
        for kind, piece in tokens(document.text):
            for i, part in enumerate(piece.split("\n")):
                if i:
                    lines.append([])
                if part:
                    lines[-1].append((_STYLES[kind], part))
        return lambda n: lines[n] if n < len(lines) else []


class DslCompleter(Completer):
    def __init__(self, session: PlaygroundSession) -> None:
        self.session = session

    def get_completions(self, document: Document, complete_event):  # type: ignore[override]
        state = CompletionState(self.session.memory.labels(), self.session.variables())
        for s in suggest(document.text_before_cursor, state):
            yield Completion(s.text, start_position=-s.replace, display_meta=s.meta)


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += ch in "(["
        depth -= ch in ")]"
    return depth <= 0


def _bindings() -> KeyBindings:
    keys = KeyBindings()

    @keys.add("enter")
    def _(event) -> None:  # Enter runs the input once its brackets are closed; otherwise it starts a new line
        buffer = event.current_buffer
        if _balanced(buffer.text) or buffer.text.lstrip().startswith(":"):
            buffer.validate_and_handle()
        else:
            buffer.insert_text("\n")

    return keys


def show(outcome: Outcome, console: Console) -> None:
    if outcome.errors:
        for diag in outcome.errors:
            console.print(escape(highlight(outcome.source, diag)), style="red", highlight=False)
        return
    step = outcome.step
    if step is None:
        return
    console.print(f"[green]→[/] {escape(value_text(step.result))}  [dim]{step.duration_ms:.2f} ms[/]", highlight=False)
    for warning in outcome.warnings:
        console.print(f"[yellow]warning:[/] {escape(warning)}")
    for path in step.artifacts:
        console.print(f"[blue]image:[/] {escape(path)}")


def history_path() -> Path:
    base = Path(os.environ.get("XDG_STATE_HOME", Path.home() / ".local" / "state")) / "reasmory"
    base.mkdir(parents=True, exist_ok=True)
    return base / "playground_history"


def handle(line: str, session: PlaygroundSession, console: Console) -> bool:
    """Run one input; False when the user asked to quit."""
    text = line.strip()
    if not text:
        return True
    if text in (":quit", ":q", ":exit"):
        return False
    if text.startswith(":"):
        name, _, arg = text[1:].partition(" ")
        fn = COMMANDS.get(name)
        if fn is None:
            console.print(f"[red]unknown command :{escape(name)}[/] (:help lists them)")
        else:
            fn(session, arg.strip(), console)
        return True
    show(session.submit(text), console)
    return True


def repl(session: PlaygroundSession, console: Console, prompt: PromptSession | None = None) -> None:
    prompt = prompt or PromptSession(history=FileHistory(str(history_path())))
    session.start()
    console.print(f"[bold]Reasmory playground[/] — {len(session.memory.objects)} objects, {len(session.memory.frames)} frames. "
                  ":help for operations and commands, Tab completes, :quit leaves.")
    while True:
        try:
            line = prompt.prompt("» ", lexer=DslLexer(), completer=DslCompleter(session), key_bindings=_bindings(),
                                 multiline=True, prompt_continuation="… ", complete_while_typing=False)
        except KeyboardInterrupt:
            continue
        except EOFError:
            break
        if not handle(line, session, console):
            break
