"""`python -m reasmory` is the `reasmory` command."""

from reasmory.cli import run

run()
