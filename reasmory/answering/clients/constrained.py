"""Grammar-constrained decoding for transformers models with llguidance.

transformers has no llguidance hook, so a LogitsProcessor feeds each sampled
token to an `LLMatcher` and masks every token the grammar forbids next. The
mask is computed and applied with llguidance's numpy helpers: its torch helper
goes through `torch.compile`, which is slow to start and needs a compiler on
CPU machines.
"""

from __future__ import annotations

from typing import Any

import llguidance
import llguidance.hf
import llguidance.numpy as llnp
import torch
from transformers import LogitsProcessor

from reasmory.errors import ReasmoryError


class GrammarError(ReasmoryError):
    """The decoding grammar or a constrained generation is unusable."""

    exit_code = 1


def ll_tokenizer(tokenizer: Any, vocab_size: int) -> llguidance.LLTokenizer:
    """llguidance's view of a fast Hugging Face tokenizer (about 1 s; keep it per model)."""
    try:
        return llguidance.hf.from_tokenizer(tokenizer, n_vocab=vocab_size)
    except ValueError as exc:
        raise GrammarError(f"grammar-constrained decoding needs a fast tokenizer: {exc}",
                           hint="load the model's tokenizer with use_fast=True, or set grammar=off") from None


def matcher(tokenizer: llguidance.LLTokenizer, grammar: str) -> llguidance.LLMatcher:
    """A matcher for one generation; grammar errors become one-line GrammarErrors."""
    compiled = llguidance.grammar_from("lark", grammar)
    is_error, messages = llguidance.LLMatcher.validate_grammar_with_warnings(compiled, tokenizer)
    if is_error:
        raise GrammarError(f"the decoding grammar is invalid: {messages[0].splitlines()[0]}")
    return llguidance.LLMatcher(tokenizer, compiled, log_level=0)


class GrammarLogitsProcessor(LogitsProcessor):
    """Masks the logits of one sequence (batch size 1) to the tokens the grammar allows next."""

    def __init__(self, grammar_matcher: llguidance.LLMatcher, vocab_size: int) -> None:
        self.matcher = grammar_matcher
        self.bitmask = llnp.allocate_token_bitmask(1, vocab_size)
        self._prompt_length: int | None = None

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        if input_ids.shape[0] != 1:
            raise GrammarError("grammar-constrained decoding runs one sequence at a time", hint="generate with batch size 1")
        if self._prompt_length is None:
            self._prompt_length = input_ids.shape[1]
        else:
            self.matcher.consume_token(int(input_ids[0, -1]))
        if self.matcher.is_error():
            raise GrammarError(f"constrained decoding left the grammar: {self.matcher.get_error()}")
        llnp.fill_next_token_bitmask(self.matcher, self.bitmask)
        logits = scores.detach().to("cpu", torch.float32).numpy().copy()
        llnp.apply_token_bitmask_inplace(logits, self.bitmask)
        return torch.from_numpy(logits).to(device=scores.device, dtype=scores.dtype)

    def accepted(self) -> bool:
        """Whether the tokens generated so far form a complete sentence of the grammar."""
        return self.matcher.is_accepting() or self.matcher.is_stopped()
