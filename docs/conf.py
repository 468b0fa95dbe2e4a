"""Sphinx configuration of the heavytail-sim documentation.

Build with ``python -m sphinx -W -b html docs docs/_build/html`` from the repository root. The build
needs no network: no intersphinx, no remote images or scripts (the machines that build it, CI
included, have none).
"""
from __future__ import annotations

import os
import re
import sys

from docutils import nodes
from docutils.parsers.rst import Directive

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, ROOT)  # document the working tree, not an installed copy

import heavytail_sim  # noqa: E402

project = "heavytail-sim"
author = "the heavytail-sim authors"
copyright = "heavytail-sim authors"  # noqa: A001 - Sphinx's name
release = version = heavytail_sim.__version__

extensions = [
    "sphinx.ext.autodoc",
    "numpydoc",  # numpydoc-style Parameters/Returns sections
]
exclude_patterns = ["_build"]
root_doc = "index"
nitpicky = False
smartquotes = False  # formulas in plain text: f'' and A'A must keep their primes

# The package imports its heavy dependencies lazily; autodoc must import the real modules (numba
# included) so that signatures and docstrings are those a user sees.
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_preserve_defaults = True
numpydoc_show_class_members = False  # members are listed explicitly in api.rst
numpydoc_class_members_toctree = False

html_theme = "alabaster"
html_theme_options = {
    "description": "Optimisation under heavy-tailed gradient noise, simulated and checked",
    "fixed_sidebar": True,
    "page_width": "1180px",
    "sidebar_width": "230px",
}
html_title = f"heavytail-sim {release}"
html_show_sourcelink = False
html_static_path: list[str] = []


class RulesTable(Directive):
    """``.. rules-table::``: the registered update rules (``heavytail_sim.RULES``) and their pieces.

    Rendered from the registry itself, so that the table cannot drift from the code.
    """

    has_content = False

    def run(self):
        from heavytail_sim.update_rules import RULES

        header = ("name", "momentum", "transform", "second moment", "preconditioned", "bias correction",
                  "what it does")
        rows = [(name, c.momentum, c.transform, c.second_moment, "yes" if c.precondition else "no",
                 "yes" if c.bias_correction else "no", c.summary) for name, c in RULES.items()]
        table = nodes.table()
        group = nodes.tgroup(cols=len(header))
        table += group
        for width in (10, 8, 10, 10, 6, 6, 50):
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        group += head
        body = nodes.tbody()
        group += body
        for cells, parent in [(header, head)] + [(r, body) for r in rows]:
            row = nodes.row()
            for i, text in enumerate(cells):
                entry = nodes.entry()
                para = nodes.paragraph()
                para += nodes.literal(text=text) if (i == 0 and parent is body) else nodes.Text(text)
                entry += para
                row += entry
            parent += row
        return [table]


class StudyFinding(Directive):
    """``.. study-finding:: NAME``: the finding of study NAME computed from its committed ``--full`` tables.

    The same text ``heavytail-sim reproduce --full`` writes into REPORT.md and the README, computed by the
    study's own ``finding`` from ``figures/NAME/``: a page cannot quote numbers the tables no longer hold.
    A finding that cannot be computed (missing or malformed tables) is a build error.
    """

    required_arguments = 1
    has_content = False

    def run(self):
        from pathlib import Path

        from experiments.reproduce import study_finding

        name = self.arguments[0]
        text = study_finding(name, Path(ROOT) / "figures")
        if text.startswith("(finding unavailable"):
            raise self.error(f"study-finding {name}: {text}")
        return [nodes.paragraph(text=text)]


# Docstrings of the package write formulas in plain text, where |x| is an absolute value or a norm
# (E|xi|^p, ||grad f||^2); reStructuredText would read |...| as a substitution reference. The package
# defines no substitutions, so every bar outside literals, roles and literal blocks is escaped.
_PROTECTED = re.compile(r"``.*?``|:[\w:.-]+:`[^`]*`|`[^`]*`")


def _escape_bars(line: str) -> str:
    out, pos = [], 0
    for m in _PROTECTED.finditer(line):
        out.append(line[pos:m.start()].replace("|", "\\|"))
        out.append(m.group(0))
        pos = m.end()
    out.append(line[pos:].replace("|", "\\|"))
    return "".join(out)


def escape_bars(app, what, name, obj, options, lines) -> None:
    """``autodoc-process-docstring`` hook: plain-text bars become literal bars (see above)."""
    literal_indent = None  # indentation of the paragraph that opened a literal block
    for i, line in enumerate(lines):
        indent = len(line) - len(line.lstrip())
        if literal_indent is not None:
            if not line.strip() or indent > literal_indent:
                continue  # inside the literal block: verbatim
            literal_indent = None
        stripped = line.rstrip()
        if stripped.endswith("::") or stripped.lstrip().startswith(".. code-block::"):
            literal_indent = indent
        lines[i] = _escape_bars(line)


def setup(app):
    app.add_directive("rules-table", RulesTable)
    app.add_directive("study-finding", StudyFinding)
    app.connect("autodoc-process-docstring", escape_bars)
