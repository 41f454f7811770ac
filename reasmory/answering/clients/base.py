"""What every VLM client takes and returns: chat messages with captioned images, and one completion."""

from __future__ import annotations

import base64
import mimetypes
from collections.abc import Sequence
from pathlib import Path
from typing import Literal, Protocol

from pydantic import BaseModel, Field

from reasmory.defaults import new_list
from reasmory.errors import ReasmoryError
from reasmory.interpreter.trace import Constrained, Usage


class VLMError(ReasmoryError):
    """The VLM could not be reached or gave no usable reply."""

    exit_code = 1


class ImagePart(BaseModel):
    """An image file shown to the model, with a caption saying how it was produced."""

    path: Path
    caption: str

    def data_url(self) -> str:
        """The image inline as a `data:` URL (servers cannot read our files)."""
        if not self.path.is_file():
            raise VLMError(f"image '{self.path}' for the VLM does not exist", hint="the run's artifacts folder was removed")
        mime = mimetypes.guess_type(self.path.name)[0] or "image/png"
        return f"data:{mime};base64,{base64.b64encode(self.path.read_bytes()).decode('ascii')}"


class Message(BaseModel):
    role: Literal["system", "user", "assistant"]
    text: str
    images: list[ImagePart] = Field(default_factory=new_list)


class Prices(BaseModel):
    """US dollars per million tokens (a provider's price list); cached input falls back to the input price."""

    input: float = Field(ge=0)
    output: float = Field(ge=0)
    cached_input: float | None = Field(default=None, ge=0)

    def cost(self, usage: Usage) -> float:
        cached = usage.cached_input_tokens
        cached_price = self.input if self.cached_input is None else self.cached_input
        return ((usage.input_tokens - cached) * self.input + cached * cached_price + usage.output_tokens * self.output) / 1e6


def priced(usage: Usage, prices: Prices | None) -> Usage:
    """The usage with its cost filled in (None without prices)."""
    return usage.model_copy(update={"cost_usd": None if prices is None else prices.cost(usage)})


class Completion(BaseModel):
    """One reply: its text, whether a grammar constrained it, how many requests it took, what it used."""

    text: str
    model: str
    constrained: Constrained = False
    tries: int = 1
    duration_ms: float = 0.0
    usage: Usage = Field(default_factory=lambda: Usage(calls=1))


class VLMClient(Protocol):
    """A chat model that may decode under a Lark grammar (llguidance dialect)."""

    name: str

    def complete(self, messages: Sequence[Message], grammar: str | None = None) -> Completion:
        """The model's reply to the conversation; `grammar`, when the client can use it, constrains the reply."""
        ...
