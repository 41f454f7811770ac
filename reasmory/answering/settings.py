"""Settings for answering questions: which VLM, how to talk to it, where to cache.

Precedence, highest first: keyword arguments, the TOML config file, `REASMORY_*`
environment variables, defaults. The config file is `config=` when given, else
`$REASMORY_CONFIG`, else `$XDG_CONFIG_HOME/reasmory/config.toml` (by default
`~/.config/reasmory/config.toml`); its keys are the field names below:

    vlm_base_url = "http://127.0.0.1:8000/v1"
    vlm_model = "Qwen/Qwen2.5-VL-7B-Instruct"
    grammar = "vllm"
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, SettingsError, TomlConfigSettingsSource

from reasmory.answering.clients.base import Prices
from reasmory.errors import InputError
from reasmory.memory.reconstruction.cache import default_cache_dir
from reasmory.memory.labels import DEFAULT_VOCABULARY


def default_config_path() -> Path:
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "reasmory" / "config.toml"


class Settings(BaseSettings):
    """Every knob of `reasmory.answer`; each field is also `REASMORY_<FIELD>` in the environment."""

    model_config = SettingsConfigDict(env_prefix="REASMORY_", extra="forbid", validate_default=True)

    config: Path | None = Field(None, description="TOML file to read (default: $REASMORY_CONFIG, then ~/.config/reasmory/config.toml)")
    vlm_backend: Literal["openai", "transformers"] = Field(
        "openai", description="openai: an OpenAI-compatible endpoint over HTTP; transformers: a local model (vlm_model: path or cached id)")
    vlm_base_url: str | None = Field(None, description="the endpoint's base URL, usually ending in /v1")
    vlm_model: str | None = Field(None, description="model name the server knows, or a local model path for the transformers backend")
    vlm_api_key: SecretStr | None = Field(None, description="bearer token, if the server wants one")
    vlm_timeout: float = Field(60.0, gt=0, description="seconds to wait for one reply")
    vlm_retries: int = Field(3, ge=0, description="retries after a timeout, a dropped connection, 429 or 5xx")
    vlm_backoff: float = Field(1.0, ge=0, description="first back-off in seconds; doubles with each retry")
    vlm_max_tokens: int = Field(512, ge=16, description="longest reply, in tokens")
    vlm_temperature: float = Field(0.0, ge=0, description="sampling temperature; 0 decodes greedily")
    vlm_api: Literal["chat", "responses"] = Field(
        "chat", description="chat: /chat/completions (every OpenAI-compatible server); responses: OpenAI's /responses")
    vlm_reasoning_effort: Literal["minimal", "low", "medium", "high"] | None = Field(
        None, description="reasoning effort for reasoning models (OpenAI GPT-5 family; Gemini's compatible endpoint); None: the model's default")
    vlm_device: str = Field("auto", description="where a local (transformers) VLM runs: auto (CUDA when present), cpu, cuda or cuda:N")
    vlm_input_price: float | None = Field(None, ge=0, description="US$ per million input tokens, for the cost in traces and reports")
    vlm_output_price: float | None = Field(None, ge=0, description="US$ per million output tokens (reasoning tokens included)")
    vlm_cached_input_price: float | None = Field(None, ge=0, description="US$ per million cached input tokens (None: the input price)")
    max_repairs: int = Field(2, ge=0, description="times a program with errors goes back to the VLM before the fallback")
    grammar: Literal["auto", "off", "vllm", "openai"] = Field(
        "auto", description="grammar-constrained decoding: auto (the server's way, dropped if it refuses), off, vllm (vLLM's fields), "
        "openai (an OpenAI custom tool with a Lark grammar); vllm and openai report a refusal as an error")
    generator: Literal["auto", "vlm", "compiler"] = Field(
        "auto", description="auto: the offline compiler for the questions it knows, else the VLM; or only one of them")
    cache_dir: Path = Field(default_factory=default_cache_dir, description="built memories and run artifacts (the build cache's folder)")
    backend: str = Field("auto", description="reconstruction backend for building memories from videos or images")
    detector: Literal["none", "owlv2", "grounding-dino"] = Field(
        "none", description="text-prompted detector (+ SAM) that grounds objects in videos and photos, and labels a program asks "
        "for that the memory lacks; needs pip install 'reasmory[detectors]' and weights (docs/grounding.md)")
    detector_checkpoint: str | None = Field(None, description="the detector's local folder or hub id (None: the kind's default)")
    segmenter_checkpoint: str | None = Field(None, description="the SAM checkpoint's local folder or hub id (None: facebook/sam-vit-base)")
    detector_device: str = Field("auto", description="auto (CUDA when present), cpu, cuda or cuda:N")
    detector_threshold: float | None = Field(None, ge=0, le=1, description="minimum box score (None: the detector's default)")
    detector_labels: list[str] = Field(default_factory=lambda: list(DEFAULT_VOCABULARY), min_length=1,
                                       description="categories grounded when a memory is built from a video or photos")
    ground_on_demand: bool = Field(True, description="ground a label a program asks for that the memory lacks (needs a detector)")
    ground_frames: int = Field(32, ge=1, description="most frames the detector looks at when grounding a label on demand")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        explicit = getattr(init_settings, "init_kwargs", {}).get("config") or os.environ.get("REASMORY_CONFIG")
        path = Path(explicit).expanduser() if explicit else default_config_path()
        if explicit and not path.is_file():
            raise InputError(f"no settings file at '{path}'", hint="fix REASMORY_CONFIG or config=, or remove it")
        return init_settings, TomlConfigSettingsSource(settings_cls, toml_file=path), env_settings

    @classmethod
    def load(cls, **overrides: Any) -> Settings:
        """Settings from every source, with bad values as one-line InputErrors."""
        try:
            return cls(**overrides)
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"]) or "settings"
            if err["type"] == "extra_forbidden":
                raise InputError(f"unknown setting '{field}'", hint="known settings: " + ", ".join(cls.model_fields)) from None
            hint = f"set it with {field}=… or REASMORY_{field.upper()}"
            raise InputError(f"invalid setting '{field}': {err['msg']}", hint=hint) from None
        except SettingsError as exc:  # a list or other structured value that is not JSON, from the environment
            field = re.search(r'field "(\w+)"', str(exc))
            name = field.group(1) if field else "a setting"
            raise InputError(f"cannot read REASMORY_{name.upper()} from the environment: {str(exc).splitlines()[0]}",
                             hint=f'give it as JSON, e.g. REASMORY_{name.upper()}=\'["chair", "table"]\'') from None
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"the settings file is not valid TOML: {exc}", hint="fix it or point REASMORY_CONFIG elsewhere") from None

    def vlm_prices(self) -> Prices | None:
        """The configured prices, or None when input or output price is missing."""
        if self.vlm_input_price is None or self.vlm_output_price is None:
            return None
        return Prices(input=self.vlm_input_price, output=self.vlm_output_price, cached_input=self.vlm_cached_input_price)

    def vlm_configured(self) -> bool:
        """Whether a VLM can be reached: an endpoint and a model, or a local model."""
        if self.vlm_backend == "transformers":
            return bool(self.vlm_model)
        return bool(self.vlm_base_url and self.vlm_model)
