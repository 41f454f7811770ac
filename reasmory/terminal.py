"""Text from files and models, made safe to print: control characters shown, never obeyed.

Labels, traces, replies and answers come from other people's files and from
models. Printed raw, an escape sequence in a label could move the cursor,
rewrite the screen or set the window title, and a bidirectional override
could make text read differently than it is. Every untrusted string the CLI
prints goes through `escape` (rich markup too) or `printable`.
"""

from __future__ import annotations

#: Bidirectional overrides and isolates (the "Trojan Source" characters).
_BIDI = [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_CONTROLS = {i: f"\\x{i:02x}" for i in [*range(0x00, 0x20), *range(0x7F, 0xA0)] if chr(i) not in "\n\t"}
_CONTROLS.update({i: f"\\u{i:04x}" for i in _BIDI})


def printable(text: str) -> str:
    """The text with control characters (but newlines and tabs) and bidirectional overrides written as escapes."""
    return text.translate(_CONTROLS)


def escape(text: str) -> str:
    """`printable`, then rich markup escaped: safe inside a rich console string."""
    from rich.markup import escape as escape_markup

    return escape_markup(printable(text))
