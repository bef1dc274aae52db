"""`clausecheck report`: the findings of `check` as files for people and machines.

A self-contained HTML page with the clash graph, the `check` JSON, a Markdown
summary for a pull request, SARIF for code-scanning tools, and the graphs as
GraphML and DOT. Pure Python: nothing here reaches the solver.
"""

from .write import write_report

__all__ = ["write_report"]
