"""The documentation: it builds without a warning, its code runs as printed, and it covers the API.

* ``sphinx-build -W`` (warnings are errors) builds ``docs/`` into a temporary directory;
* every ``.. code-block:: python`` of a page is executed, in order, in one namespace per page, in a
  temporary working directory; a ``.. code-block:: text`` right after it is the output the page shows,
  and what the code prints must equal it (so printed numbers cannot go stale);
* every public name (``heavytail_sim.__all__``) has an entry in the API reference, and every command of
  ``heavytail-sim --help`` has a page.
"""
from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.rst") if "_build" not in p.parts)

_DIRECTIVE = re.compile(r"^(?P<indent>[ ]*)\.\. code-block:: (?P<lang>\S+)[ ]*$")


def code_blocks(path: Path) -> list[tuple[str, str, int]]:
    """``(language, code, line)`` of every ``code-block`` directive of an .rst file, in order.

    The body is the indented text after the directive and its options (lines starting with ``:``), up to
    the first non-blank line indented no deeper than the directive.
    """
    lines = path.read_text().splitlines()
    blocks = []
    i = 0
    while i < len(lines):
        m = _DIRECTIVE.match(lines[i])
        if not m:
            i += 1
            continue
        start, depth = i + 1, len(m["indent"])
        j = start
        while j < len(lines) and lines[j].strip().startswith(":") and lines[j].strip() != "":
            j += 1  # directive options
        body = []
        while j < len(lines) and (not lines[j].strip() or len(lines[j]) - len(lines[j].lstrip()) > depth):
            body.append(lines[j])
            j += 1
        blocks.append((m["lang"], textwrap.dedent("\n".join(body)).strip("\n"), start))
        i = j
    return blocks


def runnable(path: Path) -> list[tuple[str, str | None, int]]:
    """``(code, expected output or None, line)`` for each python block; a text block right after a python
    block is its expected output."""
    blocks = code_blocks(path)
    out = []
    for n, (lang, code, line) in enumerate(blocks):
        if lang != "python":
            continue
        expected = None
        if n + 1 < len(blocks) and blocks[n + 1][0] == "text":
            expected = blocks[n + 1][1]
        out.append((code, expected, line))
    return out


def run_page(path: Path, workdir: Path) -> list[tuple[int, str, str | None]]:
    """Execute a page's python blocks in one namespace inside ``workdir``: ``(line, printed, expected)``."""
    blocks = runnable(path)
    namespace: dict = {"__name__": "__docs__"}
    results = []
    old = Path.cwd()
    os.chdir(workdir)
    try:
        for code, expected, line in blocks:
            buf = io.StringIO()
            with contextlib.redirect_stdout(buf):
                exec(compile(code, f"{path.name}:{line}", "exec"), namespace)  # noqa: S102 - the docs' own code
            results.append((line, buf.getvalue().rstrip("\n"), expected))
    finally:
        os.chdir(old)
        import matplotlib.pyplot as plt

        plt.close("all")
    return results


def pages_with_code() -> list[Path]:
    return [p for p in PAGES if runnable(p)]


def test_extraction_reads_blocks_and_outputs(tmp_path):
    # the extractor itself: options skipped, indentation removed, output pairing, nesting ends a block
    page = tmp_path / "p.rst"
    page.write_text(".. code-block:: python\n   :caption: x\n\n   a = 1\n   if a:\n       print(a)\n\n"
                    ".. code-block:: text\n\n   1\n\nprose\n\n.. code-block:: python\n\n   print(2)\n")
    # (code, expected output, 1-based line of the directive)
    assert runnable(page) == [("a = 1\nif a:\n    print(a)", "1", 1), ("print(2)", None, 14)]
    assert run_page(page, tmp_path) == [(1, "1", "1"), (14, "2", None)]


def test_the_tutorial_and_the_pages_have_code():
    # the tutorial is the page whose code must run: if its blocks stopped being found, nothing would run
    names = {p.relative_to(DOCS).as_posix() for p in pages_with_code()}
    assert "tutorial.rst" in names
    assert len(runnable(DOCS / "tutorial.rst")) >= 5


@pytest.mark.parametrize("page", pages_with_code(), ids=lambda p: p.relative_to(DOCS).as_posix())
def test_page_code_runs_as_printed(page, tmp_path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    import matplotlib

    matplotlib.use("Agg")
    for line, printed, expected in run_page(page, tmp_path):
        if expected is not None:
            assert printed == expected, (f"{page.name}, block at line {line}: printed\n{printed}\n"
                                         f"but the page shows\n{expected}")


def _build(out: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
                           "-d", str(out / "doctrees"), str(DOCS), str(out / "html")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


def test_docs_build_without_warnings(tmp_path):
    proc = _build(tmp_path)
    assert proc.returncode == 0, f"sphinx-build -W failed:\n{proc.stdout}\n{proc.stderr}"
    html = tmp_path / "html"
    for page in PAGES:
        assert (html / page.relative_to(DOCS).with_suffix(".html")).is_file(), page
    api = (html / "api.html").read_text()
    # autodoc really imported and rendered the docstrings (a failed import is only a warning)
    assert 'id="heavytail_sim.simulate"' in api and "Parameters" in api


def test_api_reference_lists_every_public_name():
    import heavytail_sim as hts

    text = (DOCS / "api.rst").read_text()
    documented = set(re.findall(r"^\.\. auto(?:function|class|data|module):: (\S+)", text, re.M))
    skip = {"__version__"}
    missing = []
    for name in hts.__all__:
        if name in skip:
            continue
        if name in ("theory", "schedules", "problems", "noise", "oracles", "update_rules", "statistics"):
            # modules: documented through their members or their module docstring
            if not any(d.startswith(f"heavytail_sim.{name}") for d in documented) and f"hts.{name}" not in text:
                missing.append(name)
        elif name == "RULES":
            if ".. rules-table::" not in text:
                missing.append(name)
        elif f"heavytail_sim.{name}" not in documented:
            missing.append(name)
    assert not missing, f"public names without an API reference entry: {missing}"


def test_every_command_has_a_page():
    proc = subprocess.run([sys.executable, "-m", "heavytail_sim", "--help"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert proc.returncode == 0, proc.stderr
    # the command list of argparse's help: "    name   help" lines under "positional arguments"
    section = proc.stdout.split("positional arguments:")[1].split("options:")[0]
    commands = re.findall(r"^    (\S+)", section, re.M)
    assert "rates" in commands and "simulate" in commands, commands
    pages = "\n".join(p.read_text() for p in (DOCS / "studies").glob("*.rst"))
    missing = [c for c in commands if f"heavytail-sim {c}" not in pages]
    assert not missing, f"commands without a page in docs/studies: {missing}"
