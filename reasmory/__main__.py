"""`python -m reasmory` is the `reasmory` command."""

from reasmory.launcher import run

run()
