"""Fixtures for the reliability tests: the answering tests' scripted VLM server and clean settings, plain output."""

from __future__ import annotations

import pytest

from tests.answering.conftest import (  # noqa: F401  (fixtures, reused)
    clean_settings,
    living_room,
    living_room_rmem,
    server,
)


@pytest.fixture(autouse=True)
def plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Error lines unwrapped and uncoloured, so they compare exactly."""
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "400")
