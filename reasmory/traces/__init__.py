"""Views of program traces: a rich tree for the terminal and a self-contained HTML report."""

from reasmory.traces.html import ReportItem, trace_html
from reasmory.traces.tree import trace_tree, value_text

__all__ = ["ReportItem", "trace_html", "trace_tree", "value_text"]
