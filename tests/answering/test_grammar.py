"""The decoding grammar derived from grammar/reasmory.lark, and constrained decoding with a local transformers model.

A tiny randomly initialised Llama with a byte-level BPE tokenizer trained here
(no downloads) samples programs under the bounded grammar: every sample must
parse with the real parser.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

llguidance = pytest.importorskip("llguidance")
torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from reasmory.interpreter import REGISTRY, parse  # noqa: E402
from reasmory.interpreter.parser import grammar_text  # noqa: E402

from reasmory.answering.clients import Message  # noqa: E402
from reasmory.answering.clients.constrained import GrammarError, GrammarLogitsProcessor, ll_tokenizer, matcher  # noqa: E402
from reasmory.answering.clients.local import TransformersClient  # noqa: E402
from reasmory.answering.grammar import Bounds, decoding_grammar  # noqa: E402
from reasmory.answering.prompt import example_items  # noqa: E402

SAMPLES = 8


def example_programs() -> list[str]:
    return [item["program"] for item in example_items()]


@pytest.fixture(scope="module", autouse=True)
def one_thread() -> Iterator[None]:
    """A hidden-32 model gains nothing from threads; on a busy 2-core machine they only contend."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def tokenizer() -> transformers.PreTrainedTokenizerFast:
    """A byte-level BPE trained on the language's own texts, EOS last so no real token has id 0 trouble."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    corpus = [grammar_text(), *example_programs(), *(f"{op.signature()} {op.doc}" for op in REGISTRY)]
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(corpus, trainers.BpeTrainer(vocab_size=400, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    tok.add_special_tokens(["<|endoftext|>"])
    return transformers.PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|endoftext|>", pad_token="<|endoftext|>")


@pytest.fixture(scope="module")
def ll_tok(tokenizer: transformers.PreTrainedTokenizerFast) -> llguidance.LLTokenizer:
    return ll_tokenizer(tokenizer, len(tokenizer))


def accepts(ll_tok: llguidance.LLTokenizer, tokenizer: transformers.PreTrainedTokenizerFast, grammar: str, text: str) -> bool:
    m = matcher(ll_tok, grammar)
    return m.consume_tokens(tokenizer.encode(text)) and m.is_accepting()


def test_the_derived_grammars_are_valid_for_llguidance(ll_tok: llguidance.LLTokenizer) -> None:
    for grammar in (decoding_grammar(), decoding_grammar(Bounds())):
        is_error, messages = llguidance.LLMatcher.validate_grammar_with_warnings(llguidance.grammar_from("lark", grammar), ll_tok)
        assert not is_error and not messages, messages


def test_the_decoding_grammar_accepts_the_compilers_programs(ll_tok, tokenizer) -> None:
    grammar = decoding_grammar()
    for program in example_programs():
        assert accepts(ll_tok, tokenizer, grammar, program), program
    assert accepts(ll_tok, tokenizer, grammar, "x = not (1 < 2) or true and 3 >= -2 * 4\nanswer([x, 'a', 1.5e3,])")


@pytest.mark.parametrize("text", ["answer(distance(\n  a, b))", "answer(1) # done", "and = 1", "answer(\u0663)"])
def test_the_grammar_leaves_out_what_it_cannot_promise_to_parse_alike(ll_tok, tokenizer, text: str) -> None:
    """Newlines in brackets, comments, keywords as names, non-ASCII digits (Python and Rust disagree on which are digits)."""
    assert not accepts(ll_tok, tokenizer, decoding_grammar(), text)


def test_bounds_cap_nesting_and_lexeme_length_and_spell_out_whitespace(ll_tok, tokenizer) -> None:
    bounded = decoding_grammar(Bounds(depth=5, lexeme=8))
    assert accepts(ll_tok, tokenizer, bounded, "answer(count(x))")
    assert accepts(ll_tok, tokenizer, bounded, "x=a or not b\nanswer(x)")
    assert not accepts(ll_tok, tokenizer, bounded, "x = a\nanswer(x)")
    assert not accepts(ll_tok, tokenizer, bounded, "x=a or(b)\nanswer(x)")
    assert not accepts(ll_tok, tokenizer, bounded, "answer(f(g(h(i(j(k(1)))))))")
    assert not accepts(ll_tok, tokenizer, bounded, "answer(a_very_long_name)")


def test_a_random_model_under_the_bounded_grammar_only_writes_programs_that_parse(tokenizer) -> None:
    config = transformers.LlamaConfig(vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64, num_hidden_layers=1,
                                      num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=1024,
                                      eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.eos_token_id, bos_token_id=None)
    torch.manual_seed(0)
    model = transformers.LlamaForCausalLM(config).eval()
    client = TransformersClient(model, tokenizer, name="random-llama", max_new_tokens=400, temperature=1.0)
    grammar = decoding_grammar(Bounds(depth=6, lexeme=10))
    ask = [Message(role="user", text="answer(")]
    texts = []
    for seed in range(SAMPLES):
        torch.manual_seed(seed)
        completion = client.complete(ask, grammar=grammar)
        assert completion.constrained and completion.model == "random-llama"
        parse(completion.text)
        texts.append(completion.text)
    assert sum(bool(t.strip()) for t in texts) >= SAMPLES // 2 and len(set(texts)) > 1


def test_unconstrained_random_output_would_not_parse(tokenizer) -> None:
    """The constraint is what makes the samples above parse: without it the same model writes noise."""
    config = transformers.LlamaConfig(vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64, num_hidden_layers=1,
                                      num_attention_heads=2, num_key_value_heads=2, eos_token_id=tokenizer.eos_token_id)
    torch.manual_seed(0)
    client = TransformersClient(transformers.LlamaForCausalLM(config).eval(), tokenizer, max_new_tokens=40, temperature=1.0)
    text = client.complete([Message(role="user", text="answer(")]).text
    from reasmory.interpreter import ParseError

    with pytest.raises(ParseError):
        parse(text)


def test_the_processor_refuses_batches(ll_tok) -> None:
    processor = GrammarLogitsProcessor(matcher(ll_tok, decoding_grammar()), 401)
    with pytest.raises(GrammarError, match="one sequence at a time"):
        processor(torch.zeros((2, 3), dtype=torch.long), torch.zeros((2, 401)))


def test_an_invalid_grammar_is_a_one_line_error(ll_tok) -> None:
    with pytest.raises(GrammarError, match="the decoding grammar is invalid"):
        matcher(ll_tok, "start: undefined_rule\n")
