"""A local transformers model as the VLM, with llguidance-constrained decoding.

For users with weights on disk or in the Hugging Face cache (nothing is
downloaded): a causal language model answers text-only prompts; a
vision-language model with a processor (e.g. Qwen2.5-VL) also reads the
reasoner's images. Decoding is greedy unless a temperature is set. The model
is placed on `device` ("auto": CUDA when present): transformers 5 loads onto
the CPU unless told otherwise, and a 7B model on the CPU answers in minutes.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from reasmory.answering.clients.base import Completion, Message, Prices, VLMError, priced
from reasmory.interpreter.trace import Usage

_NO_WEIGHTS_HINT = "download the weights first (e.g. `hf download MODEL`) or give a local folder as REASMORY_VLM_MODEL"


class TransformersClient:
    """A loaded model plus its tokenizer (and processor for image inputs)."""

    def __init__(self, model: Any, tokenizer: Any, *, processor: Any = None, name: str | None = None,
                 max_new_tokens: int = 512, temperature: float = 0.0, grammar: str = "auto", prices: Prices | None = None) -> None:
        self.model, self.tokenizer, self.processor = model, tokenizer, processor
        self.name = f"vlm:{name or getattr(model.config, '_name_or_path', '') or type(model).__name__}"
        self.max_new_tokens, self.temperature, self.grammar_mode = max_new_tokens, temperature, grammar
        self.prices = prices
        self._ll_tokenizer: Any = None

    @classmethod
    def from_pretrained(cls, path: str, device: str = "auto", **options: Any) -> TransformersClient:
        """Load from a local folder or the Hugging Face cache onto `device`; a model with a vision tower gets its processor."""
        import transformers

        from reasmory.memory.grounding.detectors_load import device_and_dtype

        where, _ = device_and_dtype(device, "float32")
        try:
            config = transformers.AutoConfig.from_pretrained(path, local_files_only=True)
            if getattr(config, "vision_config", None) is not None:
                processor = transformers.AutoProcessor.from_pretrained(path, local_files_only=True)
                model = transformers.AutoModelForImageTextToText.from_pretrained(path, local_files_only=True, dtype="auto")
                return cls(model.to(where).eval(), processor.tokenizer, processor=processor, name=path, **options)
            tokenizer = transformers.AutoTokenizer.from_pretrained(path, local_files_only=True)
            model = transformers.AutoModelForCausalLM.from_pretrained(path, local_files_only=True, dtype="auto")
        except OSError as exc:
            raise VLMError(f"no local weights for '{path}': {str(exc).splitlines()[0]}", hint=_NO_WEIGHTS_HINT) from None
        return cls(model.to(where).eval(), tokenizer, name=path, **options)

    def complete(self, messages: Sequence[Message], grammar: str | None = None) -> Completion:
        """Generate one reply; under a grammar every token is masked to what the grammar allows next."""
        import torch
        from transformers import LogitsProcessorList

        start = time.perf_counter()
        inputs = {k: v.to(self.model.device) if hasattr(v, "to") else v for k, v in self._encode(messages).items()}
        constrained = grammar is not None and self.grammar_mode != "off"
        processors = LogitsProcessorList([self._grammar_processor(grammar)] if constrained and grammar else [])
        sampling: dict[str, Any] = {"do_sample": True, "temperature": self.temperature} if self.temperature > 0 else {"do_sample": False}
        eos = self.tokenizer.eos_token_id
        with torch.no_grad():
            output = self.model.generate(**inputs, logits_processor=processors, max_new_tokens=self.max_new_tokens,
                                         eos_token_id=eos, pad_token_id=self.tokenizer.pad_token_id or eos, **sampling)
        prompt_length = inputs["input_ids"].shape[1]
        new_tokens = output[0, prompt_length:]
        text = self.tokenizer.decode(new_tokens, skip_special_tokens=True)
        usage = Usage(calls=1, input_tokens=int(prompt_length), output_tokens=len(new_tokens))
        return Completion(text=text, model=self.name.removeprefix("vlm:"), constrained=constrained,
                          duration_ms=(time.perf_counter() - start) * 1000, usage=priced(usage, self.prices))

    def _grammar_processor(self, grammar: str) -> Any:
        from reasmory.answering.clients.constrained import GrammarLogitsProcessor, ll_tokenizer, matcher

        vocab = self.model.get_output_embeddings().weight.shape[0]
        if self._ll_tokenizer is None:
            self._ll_tokenizer = ll_tokenizer(self.tokenizer, vocab)
        return GrammarLogitsProcessor(matcher(self._ll_tokenizer, grammar), vocab)

    def _encode(self, messages: Sequence[Message]) -> dict[str, Any]:
        """Token ids for the conversation: the chat template when there is one, else the texts in order."""
        if any(m.images for m in messages):
            return self._encode_with_images(messages)
        if getattr(self.tokenizer, "chat_template", None):
            chat = [{"role": m.role, "content": m.text} for m in messages]
            return dict(self.tokenizer.apply_chat_template(chat, add_generation_prompt=True, return_dict=True, return_tensors="pt"))
        return dict(self.tokenizer("\n\n".join(m.text for m in messages) + "\n\n", return_tensors="pt"))

    def _encode_with_images(self, messages: Sequence[Message]) -> dict[str, Any]:
        from PIL import Image

        if self.processor is None:
            raise VLMError(f"{self.name} reads text only, but the question needs a look at images",
                           hint="use a vision-language model (e.g. Qwen2.5-VL) or an HTTP VLM for REASMORY_VLM_MODEL")
        chat = []
        for m in messages:
            content: list[dict[str, Any]] = [{"type": "text", "text": m.text}]
            for image in m.images:
                content += [{"type": "text", "text": image.caption}, {"type": "image", "image": Image.open(image.path).convert("RGB")}]
            chat.append({"role": m.role, "content": content})
        encoded = self.processor.apply_chat_template(chat, add_generation_prompt=True, tokenize=True, return_dict=True, return_tensors="pt")
        return dict(encoded)
