"""VLM clients, chosen by settings: an OpenAI-compatible HTTP endpoint or a local transformers model.

Heavy imports (httpx, transformers, llguidance) happen only in the client that needs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reasmory.answering.clients.base import Completion, ImagePart, Message, Prices, VLMClient, VLMError
from reasmory.errors import InputError

if TYPE_CHECKING:
    from reasmory.answering.settings import Settings


def make_client(settings: Settings) -> VLMClient | None:
    """The configured client, or None when no VLM is configured at all."""
    if not settings.vlm_base_url and not settings.vlm_model:
        return None
    if settings.vlm_backend == "transformers":
        try:
            import llguidance  # noqa: F401
            import transformers  # noqa: F401

            from reasmory.answering.clients.local import TransformersClient
        except ImportError as exc:
            raise InputError(f"the local VLM needs {exc.name}", hint="pip install 'reasmory[vlm,detectors]' (and torch)") from None
        return TransformersClient.from_pretrained(str(settings.vlm_model), device=settings.vlm_device,
                                                  max_new_tokens=settings.vlm_max_tokens, temperature=settings.vlm_temperature,
                                                  grammar=settings.grammar, prices=settings.vlm_prices())
    required = (("REASMORY_VLM_BASE_URL", settings.vlm_base_url), ("REASMORY_VLM_MODEL", settings.vlm_model))
    missing = [name for name, value in required if not value]
    if missing:
        raise InputError(f"the VLM is half configured: {' and '.join(missing)} is not set", hint="see docs/vlm.md")
    try:
        from reasmory.answering.clients.openai import OpenAIClient
    except ImportError:
        raise InputError("the HTTP VLM client needs httpx", hint="pip install 'reasmory[vlm]'") from None
    key = settings.vlm_api_key.get_secret_value() if settings.vlm_api_key else None
    return OpenAIClient(str(settings.vlm_base_url), str(settings.vlm_model), key, timeout=settings.vlm_timeout,
                        retries=settings.vlm_retries, backoff=settings.vlm_backoff, max_tokens=settings.vlm_max_tokens,
                        temperature=settings.vlm_temperature, grammar=settings.grammar, api=settings.vlm_api,
                        reasoning_effort=settings.vlm_reasoning_effort, prices=settings.vlm_prices())


__all__ = ["Completion", "ImagePart", "Message", "Prices", "VLMClient", "VLMError", "make_client"]
