"""The DSL playground: a REPL over one memory (session logic, completion, highlighting, commands)."""

from reasmory.playground.session import Outcome, PlaygroundSession

__all__ = ["Outcome", "PlaygroundSession"]
