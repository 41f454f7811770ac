"""The reasoner step: when a program's answer is a picture, the VLM answers the question from it.

Each image goes with its caption (how the renderer made it) and the program
that asked for it. A multiple-choice reply is reduced to its option letter.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from reasmory.answering.clients.base import Completion, ImagePart, VLMClient
from reasmory.answering.prompt import reasoner_messages
from reasmory.interpreter.context import parse_options
from reasmory.interpreter.values import Image

_LETTER = re.compile(r"^\W*(?:the answer is\s*|option\s*)?\(?([A-Za-z])\)?(?:[.):\s]|$)", re.IGNORECASE)


def images_of(value: object) -> list[Image] | None:
    """The images a program answered with (one or a list), or None when its answer is not pictures."""
    if isinstance(value, Image):
        return [value]
    if isinstance(value, tuple) and value and all(isinstance(v, Image) for v in value):
        return list(value)
    return None


def image_parts(images: Sequence[Image]) -> list[ImagePart]:
    """Captioned image parts; an image's path is where the run wrote it (a relative one is to the current folder, and
    already holds the artifacts folder: joining that folder again doubled it)."""
    parts = []
    for i, image in enumerate(images, 1):
        path = Path(image.path)
        parts.append(ImagePart(path=path, caption=f"Picture {i} ({image.width}×{image.height}): {image.caption}"))
    return parts


def choice(reply: str, options: Sequence[str] | None) -> str:
    """The option letter a reply names (by letter or by the option's text), else the reply itself, stripped."""
    text = reply.strip()
    if not options:
        return text
    pairs = parse_options(list(options))
    letters = {letter for letter, _ in pairs}
    match = _LETTER.match(text)
    if match and match.group(1).upper() in letters:
        return match.group(1).upper()
    lowered = text.lower().rstrip(".")
    for letter, option in pairs:
        if option.strip().lower() == lowered:
            return letter
    return text


def reason(client: VLMClient, question: str, options: Sequence[str] | None, program: str,
           images: Sequence[ImagePart]) -> tuple[str, Completion]:
    """(answer, the VLM's reply) from the VLM looking at the images."""
    completion = client.complete(reasoner_messages(question, options, program, images))
    return choice(completion.text, options), completion
