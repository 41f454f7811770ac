"""Untrusted text is shown, never obeyed, by the terminal."""

from reasmory.terminal import escape, printable


def test_control_characters_and_bidi_overrides_are_written_as_escapes() -> None:
    hostile = "chair\x1b]0;title\x07\x1b[2J\r\x08\u202eevil\u2066"
    shown = printable(hostile)
    assert not any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 or c in "\u202e\u2066" for c in shown)
    assert shown == "chair\\x1b]0;title\\x07\\x1b[2J\\x0d\\x08\\u202eevil\\u2066"


def test_newlines_tabs_and_ordinary_text_stay() -> None:
    assert printable("a\tb\nc é 中") == "a\tb\nc é 中"
    assert escape("[bold]x\x1b") == "\\[bold]x\\x1b"
