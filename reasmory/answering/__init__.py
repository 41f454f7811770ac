"""Answering questions: memory from the source, a program (offline compiler or VLM), the run, the reasoner.

    from reasmory.answering import answer
    result = answer("scene.rmem", "How far is the tv from the sofa?")

Modules, one job each: `settings` (what to talk to), `sources` (source →
memory), `prompt` (generated from the registry, memory and compiler),
`grammar` (the decoding grammar derived from grammar/reasmory.lark),
`clients` (HTTP and local VLMs), `generate` (compiler, VLM, repairs,
fallback), `reasoner` (pictures → answer), `pipeline` (`answer`).
"""

from reasmory.answering.pipeline import Answer, answer
from reasmory.answering.settings import Settings
from reasmory.answering.sources import load_or_build_memory

__all__ = ["Answer", "Settings", "answer", "load_or_build_memory"]
