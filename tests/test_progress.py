"""Progress bars (heavytail_sim.progress): tqdm's, drawn only when asked or when stderr is a terminal."""
import io
import sys

from heavytail_sim.progress import Progress


def test_silent_when_stderr_is_not_a_terminal(monkeypatch):
    buf = io.StringIO()
    monkeypatch.setattr(sys, "stderr", buf)
    with Progress(10, "quiet") as bar:
        bar.update(4)
        bar.update(6)
    assert not bar.enabled and bar.done == 10 and buf.getvalue() == ""


def test_draws_a_tqdm_bar_when_asked(monkeypatch):
    buf = io.StringIO()
    monkeypatch.setattr(sys, "stderr", buf)
    with Progress(4, "steps", enabled=True) as bar:
        for _ in range(4):
            bar.update(1)
    text = buf.getvalue()
    assert text.startswith("\rsteps:") and "100%" in text and "4/4" not in text  # label, percentage, time


def test_a_terminal_turns_it_on(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self):
            return True

    buf = Tty()
    monkeypatch.setattr(sys, "stderr", buf)
    with Progress(2.5, "runs x steps") as bar:
        bar.update(2.5)
    assert bar.enabled and "runs x steps" in buf.getvalue() and "100%" in buf.getvalue()
