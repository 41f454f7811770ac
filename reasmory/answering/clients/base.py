"""What every VLM client takes and returns: chat messages with captioned images, and one completion."""

from __future__ import annotations

import base64
import mimetypes
from collections.abc import Sequence
from pathlib import Path
from typing import Literal, Protocol

from pydantic import BaseModel, Field

from reasmory.errors import ReasmoryError


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
    images: list[ImagePart] = Field(default_factory=list)


class Completion(BaseModel):
    """One reply: its text, whether a grammar constrained it, how many requests it took."""

    text: str
    model: str
    constrained: bool = False
    tries: int = 1
    duration_ms: float = 0.0


class VLMClient(Protocol):
    """A chat model that may decode under a Lark grammar (llguidance dialect)."""

    name: str

    def complete(self, messages: Sequence[Message], grammar: str | None = None) -> Completion:
        """The model's reply to the conversation; `grammar`, when the client can use it, constrains the reply."""
        ...
