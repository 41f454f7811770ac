"""Settings precedence: keyword arguments > config file > REASMORY_* environment > defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from reasmory.answering.settings import Settings, default_config_path
from reasmory.errors import InputError


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_defaults_need_no_configuration() -> None:
    s = Settings.load()
    assert (s.vlm_base_url, s.vlm_model, s.vlm_api_key) == (None, None, None)
    assert (s.generator, s.grammar, s.max_repairs, s.vlm_backend) == ("auto", "auto", 2, "openai")
    assert not s.vlm_configured()


def test_environment_overrides_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REASMORY_VLM_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("REASMORY_VLM_MODEL", "env-model")
    monkeypatch.setenv("REASMORY_VLM_API_KEY", "env-key")
    monkeypatch.setenv("REASMORY_MAX_REPAIRS", "5")
    s = Settings.load()
    assert (s.vlm_model, s.max_repairs, s.vlm_api_key.get_secret_value()) == ("env-model", 5, "env-key")
    assert s.vlm_configured() and "env-key" not in repr(s)


def test_the_default_config_file_overrides_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    write(default_config_path(), 'vlm_model = "file-model"\nvlm_timeout = 7\n')
    monkeypatch.setenv("REASMORY_VLM_MODEL", "env-model")
    monkeypatch.setenv("REASMORY_VLM_BASE_URL", "http://127.0.0.1:9/v1")
    s = Settings.load()
    assert (s.vlm_model, s.vlm_timeout, s.vlm_base_url) == ("file-model", 7.0, "http://127.0.0.1:9/v1")


def test_keyword_arguments_override_everything(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = write(tmp_path / "elsewhere.toml", 'vlm_model = "file-model"\ngenerator = "vlm"\n')
    monkeypatch.setenv("REASMORY_CONFIG", str(config))
    monkeypatch.setenv("REASMORY_VLM_MODEL", "env-model")
    s = Settings.load(vlm_model="kw-model")
    assert (s.vlm_model, s.generator, s.config) == ("kw-model", "vlm", config)


def test_config_argument_picks_the_file(tmp_path: Path) -> None:
    config = write(tmp_path / "mine.toml", 'grammar = "off"\n')
    assert Settings.load(config=config).grammar == "off"


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ({"config": "absent.toml"}, "no settings file at"),
        ({"toml": "vlm_model = \n"}, "not valid TOML"),
        ({"toml": 'vlm_modle = "x"\n'}, "unknown setting 'vlm_modle'"),
        ({"kwargs": {"vlm_timeout": 0}}, "invalid setting 'vlm_timeout'"),
        ({"kwargs": {"generator": "magic"}}, "invalid setting 'generator'"),
        ({"kwargs": {"colour": "red"}}, "unknown setting 'colour'"),
    ],
)
def test_bad_settings_are_one_line_input_errors(setup: dict, message: str, tmp_path: Path) -> None:
    kwargs = dict(setup.get("kwargs", {}))
    if "toml" in setup:
        kwargs["config"] = write(tmp_path / "bad.toml", setup["toml"])
    if "config" in setup:
        kwargs["config"] = tmp_path / setup["config"]
    with pytest.raises(InputError, match=message) as err:
        Settings.load(**kwargs)
    assert "\n" not in err.value.one_line()


def test_a_local_model_alone_configures_the_transformers_backend() -> None:
    assert Settings.load(vlm_backend="transformers", vlm_model="/models/qwen").vlm_configured()
    assert not Settings.load(vlm_model="only-a-model").vlm_configured()


def test_list_settings_come_from_the_environment_as_json(monkeypatch: pytest.MonkeyPatch) -> None:
    from reasmory.errors import InputError

    monkeypatch.setenv("REASMORY_DETECTOR_LABELS", '["chair", "fire extinguisher"]')
    assert Settings.load().detector_labels == ["chair", "fire extinguisher"]
    monkeypatch.setenv("REASMORY_DETECTOR_LABELS", "chair, table")
    with pytest.raises(InputError, match="cannot read REASMORY_DETECTOR_LABELS from the environment") as caught:
        Settings.load()
    assert "give it as JSON" in (caught.value.hint or "")
